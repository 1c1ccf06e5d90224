import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertOpset } from './opset-convert.js';
import { DataType, encodeModel, onnx, opsetVersion, type ModelProto, type TensorProto } from './proto.js';
import { floatTensor, int64Tensor, LOGITS_OUTPUT, node, onnxModel, tensorInput } from './test-graphs.js';

const { AttributeType } = onnx.AttributeProto;

/** An int64 scalar whose value need not fit a double (raw little-endian bytes). */
function int64Scalar(name: string, value: bigint): TensorProto {
  return { name, dataType: DataType.INT64, dims: [], rawData: new Uint8Array(BigInt64Array.of(value).buffer) };
}

const output = (elemType: number) => ({ name: 'logits', type: { tensorType: { elemType } } });

/** Clip of a float or an int64 tensor (DeBERTa clamps its int64 relative positions), at opset 12. */
function clipped(elemType: number) {
  const bound = (name: string, value: number) =>
    elemType === DataType.FLOAT ? floatTensor(name, [], [value]) : { ...int64Tensor(name, [value]), dims: [] };
  return onnxModel(
    {
      name: 'clip',
      input: [tensorInput('x', elemType)],
      output: [LOGITS_OUTPUT],
      initializer: [bound('low', 0), bound('high', 3)],
      node: [node('Clip', ['x', 'low', 'high'], 'logits')],
    },
    12,
  );
}

/** An int64 Clip with the given bounds (absent: that input left empty), at opset 12. */
function integerClip(low: bigint | undefined, high: bigint | undefined): ModelProto {
  const initializer = [
    ...(low === undefined ? [] : [int64Scalar('low', low)]),
    ...(high === undefined ? [] : [int64Scalar('high', high)]),
  ];
  const inputs = ['x', low === undefined ? '' : 'low', ...(high === undefined ? [] : ['high'])];
  return onnxModel(
    {
      name: 'clip',
      input: [tensorInput('x', DataType.INT64)],
      output: [output(DataType.INT64)],
      initializer,
      node: [node('Clip', inputs, 'logits')],
    },
    12,
  );
}

async function runModel(model: ModelProto, feeds: Record<string, Tensor>): Promise<Tensor> {
  const session = await InferenceSession.create(encodeModel(model), { logSeverityLevel: 3 });
  try {
    return (await session.run(feeds)).logits!;
  } finally {
    await session.release();
  }
}

const opTypes = (model: ModelProto) => (model.graph?.node ?? []).map((candidate) => candidate.opType);

/** Runs `model` and its conversion to `target` on `feeds`; both outputs, after checking the opset and shape. */
async function both(model: ModelProto, target: number, feeds: Record<string, Tensor>) {
  const converted = convertOpset(model, target);
  expect(opsetVersion(converted)).toBe(target);
  const [original, rewritten] = [await runModel(model, feeds), await runModel(converted, feeds)];
  expect(rewritten.dims).toEqual(original.dims);
  expect(rewritten.type).toBe(original.type);
  return {
    converted,
    original: Array.from(original.data as ArrayLike<unknown>),
    rewritten: Array.from(rewritten.data as ArrayLike<unknown>),
  };
}

const TWO_53 = 2n ** 53n;
/** Values a Cast to double would round (2^53 ± 1 are not doubles), and both ends of int64. */
const LARGE = [TWO_53 - 1n, TWO_53, TWO_53 + 1n, TWO_53 + 2n, -(2n ** 63n), 2n ** 63n - 1n, 0n, -7n, 5n, 31n];
const int64Feed = (values: bigint[], dims = [2, values.length / 2]) => ({
  x: new Tensor('int64', BigInt64Array.from(values), dims),
});

describe('convertOpset: Clip, Min and Max below opset 12', () => {
  it('rewrites a float Clip to opset 11 as a Clip', () => {
    const converted = convertOpset(clipped(DataType.FLOAT), 11);
    expect(opsetVersion(converted)).toBe(11);
    expect(opTypes(converted)).toEqual(['Clip']);
  });

  it('writes an integer Clip at opset 11 as Less/Where and Greater/Where, exact for every int64', async () => {
    const low = TWO_53 + 1n;
    const high = 2n ** 62n;
    const { converted, original, rewritten } = await both(integerClip(low, high), 11, int64Feed(LARGE));
    expect(opTypes(converted)).toEqual(['Less', 'Where', 'Greater', 'Where']);
    // Against the definition, min(max(x, low), high), computed in BigInt: a Cast to double and back would give
    // 2^53 for the values at and just below 2^53 + 1.
    const expected = LARGE.map((value) => (value < low ? low : value > high ? high : value));
    expect(rewritten).toEqual(expected);
    expect(rewritten).toEqual(original);
  });

  it('keeps one bound when the other input is absent, and gives max when min > max, as Clip does', async () => {
    const cases: [bigint | undefined, bigint | undefined, (value: bigint) => bigint][] = [
      [0n, undefined, (value) => (value < 0n ? 0n : value)],
      [undefined, 31n, (value) => (value > 31n ? 31n : value)],
      [10n, 3n, () => 3n],
    ];
    for (const [low, high, expected] of cases) {
      const { original, rewritten } = await both(integerClip(low, high), 11, int64Feed(LARGE));
      expect(rewritten, `min ${low} max ${high}`).toEqual(LARGE.map(expected));
      expect(rewritten).toEqual(original);
    }
    const { converted, rewritten } = await both(integerClip(undefined, undefined), 11, int64Feed(LARGE));
    expect(opTypes(converted)).toEqual(['Identity']);
    expect(rewritten).toEqual(LARGE);
  });

  it('leaves an integer Clip alone at 12 and above', () => {
    for (const target of [12, 13, 18]) expect(opTypes(convertOpset(clipped(DataType.INT64), target))).toEqual(['Clip']);
  });

  it('writes integer Min and Max (variadic, broadcasting) at opset 11 with Where, as opset 12 computes them', async () => {
    const rowValues = BigInt64Array.of(TWO_53, -3n, 40n, 6n, -(2n ** 63n));
    const row = { name: 'row', dataType: DataType.INT64, dims: [1, 5], rawData: new Uint8Array(rowValues.buffer) };
    for (const op of ['Min', 'Max']) {
      const model = onnxModel(
        {
          name: op,
          input: [tensorInput('x', DataType.INT64), tensorInput('y', DataType.INT64)],
          output: [output(DataType.INT64)],
          initializer: [row, int64Scalar('scalar', TWO_53 + 1n)],
          node: [node(op, ['x', 'row', 'y', 'scalar'], 'logits')],
        },
        12,
      );
      const x = BigInt64Array.from(LARGE);
      const y = BigInt64Array.from(LARGE.map((value) => -value / 3n));
      const feeds = { x: new Tensor('int64', x, [2, 5]), y: new Tensor('int64', y, [2, 5]) };
      const { converted, original, rewritten } = await both(model, 11, feeds);
      expect(opTypes(converted).filter((type) => type === 'Where')).toHaveLength(3);
      const pick = (a: bigint, b: bigint) => (op === 'Min' ? (a < b ? a : b) : a > b ? a : b);
      const expected = LARGE.map((value, k) => [rowValues[k % 5]!, y[k]!, TWO_53 + 1n].reduce(pick, value));
      expect(rewritten, op).toEqual(expected);
      expect(rewritten, op).toEqual(original);
    }
  });

  it('writes LessOrEqual and GreaterOrEqual (new in 12) at opset 11 as Or(Less/Greater, Equal), NaN included', async () => {
    const values = [1, 2, 2, Number.NaN, -0, 0, Number.POSITIVE_INFINITY, 3];
    const others = [2, 2, 1, 1, 0, -0, Number.POSITIVE_INFINITY, Number.NaN];
    for (const op of ['LessOrEqual', 'GreaterOrEqual']) {
      for (const elemType of [DataType.FLOAT, DataType.INT64]) {
        const model = onnxModel(
          {
            name: op,
            input: [tensorInput('x', elemType), tensorInput('y', elemType)],
            output: [output(DataType.BOOL)],
            node: [node(op, ['x', 'y'], 'logits')],
          },
          12,
        );
        const integers = elemType === DataType.INT64;
        const tensor = (data: number[]) =>
          integers
            ? new Tensor(
                'int64',
                BigInt64Array.from(data.map((value, k) => BigInt(Number.isFinite(value) ? value : k))),
                [2, 4],
              )
            : new Tensor('float32', Float32Array.from(data), [2, 4]);
        const { converted, original, rewritten } = await both(model, 11, { x: tensor(values), y: tensor(others) });
        expect(opTypes(converted)).toEqual([op === 'LessOrEqual' ? 'Less' : 'Greater', 'Equal', 'Or']);
        expect(rewritten, `${op} ${integers ? 'int64' : 'float'}`).toEqual(original);
        if (!integers) {
          const compare = (a: number, b: number) => (op === 'LessOrEqual' ? a <= b : a >= b);
          expect(rewritten).toEqual(values.map((value, k) => (compare(value, others[k]!) ? 1 : 0)));
        }
      }
    }
  });
});

/**
 * A Softmax over a rank-4 tensor whose rank only the structure tells: `x` (batch × seq × 6) reshaped to
 * batch × seq × 2 × 3 with a shape built from `Shape(x)[0:2]` and a constant, as exporters build attention
 * shapes; `axis` as given (absent: the opset's default).
 */
function softmaxModel(opset: number, axis: number | undefined, reshaped = true): ModelProto {
  const attribute = axis === undefined ? [] : [{ name: 'axis', type: AttributeType.INT, i: axis }];
  return onnxModel(
    {
      name: 'softmax',
      input: [tensorInput('x', DataType.FLOAT, 6)],
      output: [LOGITS_OUTPUT],
      initializer: [int64Tensor('zero', [0]), int64Tensor('two', [2]), int64Tensor('tail', [2, 3])],
      node: [
        ...(reshaped
          ? [
              node('Shape', ['x'], 'shape'),
              node('Slice', ['shape', 'zero', 'two'], 'leading'),
              node('Concat', ['leading', 'tail'], 'target', [{ name: 'axis', type: AttributeType.INT, i: 0 }]),
              node('Reshape', ['x', 'target'], 'scores'),
            ]
          : [node('Identity', ['x'], 'scores')]),
        node('Softmax', ['scores'], 'logits', attribute),
      ],
    },
    opset,
  );
}

const floatFeed = (dims: number[]) => {
  const length = dims.reduce((a, b) => a * b, 1);
  return {
    x: new Tensor(
      'float32',
      Float32Array.from({ length }, (_, k) => 3 * Math.sin(k * 1.7)),
      dims,
    ),
  };
};

const closeTo = (actual: unknown[], expected: unknown[]) => {
  expect(actual).toHaveLength(expected.length);
  const worst = actual.reduce<number>(
    (m, value, k) => Math.max(m, Math.abs((value as number) - (expected[k] as number))),
    0,
  );
  expect(worst).toBeLessThanOrEqual(1e-7);
};

describe('convertOpset: Softmax across opset 13', () => {
  it('converts axis 3 of a rank-4 input (the last axis) both ways, with the rank read from the structure', async () => {
    for (const [source, target] of [
      [12, 18],
      [12, 13],
      [13, 11],
      [18, 12],
    ] as const) {
      const { converted, original, rewritten } = await both(softmaxModel(source, 3), target, floatFeed([2, 3, 6]));
      const softmax = converted.graph!.node!.find((candidate) => candidate.opType === 'Softmax')!;
      expect(Number(softmax.attribute![0]!.i), `${source} → ${target}`).toBe(3);
      closeTo(rewritten, original);
    }
  });

  it('converts −1, axis 2 of a declared rank-3 input, and the pre-13 default axis 1 of a rank-2 input', async () => {
    for (const [model, target] of [
      [softmaxModel(12, -1), 18],
      [softmaxModel(18, -1), 11],
      [softmaxModel(12, 2, false), 18],
      [softmaxModel(18, 2, false), 12],
    ] as const) {
      const { original, rewritten } = await both(model, target, floatFeed([2, 3, 6]));
      closeTo(rewritten, original);
    }
    const flat = onnxModel(
      {
        name: 'softmax',
        input: [
          {
            name: 'x',
            type: {
              tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 4 }] } },
            },
          },
        ],
        output: [LOGITS_OUTPUT],
        node: [node('Softmax', ['x'], 'logits')],
      },
      12,
    );
    const { converted, original, rewritten } = await both(flat, 14, floatFeed([3, 4]));
    expect(Number(converted.graph!.node![0]!.attribute![0]!.i)).toBe(1);
    closeTo(rewritten, original);
  });

  it('refuses an axis that is not the last, naming the node, the axis and the rank', () => {
    expect(() => convertOpset(softmaxModel(12, 1), 18)).toThrow(
      /Softmax \(node logits\): axis 1 of a rank-4 input is not the last axis: it changes meaning across opset 13/,
    );
    expect(() => convertOpset(softmaxModel(18, 2), 12)).toThrow(/axis 2 of a rank-4 input is not the last axis/);
    // No axis at opset 12: the default, 1, of a rank-4 input.
    expect(() => convertOpset(softmaxModel(12, undefined), 13)).toThrow(/axis 1 of a rank-4 input/);
  });

  it('refuses when the rank of the input is not known from the graph', () => {
    const unknown = softmaxModel(12, 3, false);
    unknown.graph!.input = [{ name: 'x', type: { tensorType: { elemType: DataType.FLOAT } } }];
    expect(() => convertOpset(unknown, 18)).toThrow(
      /Softmax \(node logits\): axis 3 changes meaning across opset 13 unless it is the last axis, and the rank of the input is not known from the graph/,
    );
    // The same graph within one side of 13 needs no rank.
    expect(opsetVersion(convertOpset(unknown, 11))).toBe(11);
  });
});
