import { describe, expect, it } from 'vitest';
import { convertOpset } from './opset-convert.js';
import { DataType, opsetVersion } from './proto.js';
import { floatTensor, int64Tensor, LOGITS_OUTPUT, node, onnxModel, tensorInput } from './test-graphs.js';

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

describe('convertOpset', () => {
  it('rewrites a float Clip to opset 11', () => {
    expect(opsetVersion(convertOpset(clipped(DataType.FLOAT), 11))).toBe(11);
  });

  it('refuses an integer Clip below opset 12 (Clip-11 takes floats only), naming it', () => {
    expect(() => convertOpset(clipped(DataType.INT64), 11)).toThrow(
      /Clip \(node logits\): integer Clip needs opset 12/,
    );
    expect(opsetVersion(convertOpset(clipped(DataType.INT64), 13))).toBe(13);
  });
});
