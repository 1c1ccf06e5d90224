/**
 * Every derived graph of every opset and exporter variant, against PyTorch: the fixtures rewritten to opsets
 * 11, 12 and 18 by our own proto tools (onnx/opset-convert.ts: only the opset number and the ops whose form
 * differs change), the exporter-variant fixtures (opset 17 with native LayerNormalization, torch 2.x SDPA
 * attention, an opset-12 export) and the other encoder families (ELECTRA at opset 11, MPNet with its relative
 * position bias at opset 12, ALBERT with shared layers) as they land in fixtures/models. Each is loaded as a
 * model folder and held to its golden files: predictions (the pooled-row graph) and the exported graph's
 * logits, the inputs_embeds graph's logits, every attention map, raw gradients and every gradient explainer's
 * preset scores; the int8 graph must load and stay near the exact logits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import type { Prediction } from '../../shared/results.js';
import { attentionMaps } from '../explainers/attention.js';
import { inputGradient } from '../explainers/embedding-gradients.js';
import type { Explainer } from '../explainers/explainer.js';
import { gradientExplainer } from '../explainers/gradient.js';
import { gradientNormExplainer } from '../explainers/gradient-norm.js';
import { gradientXInputExplainer } from '../explainers/gradient-x-input.js';
import { integratedGradientsExplainer } from '../explainers/integrated-gradients.js';
import { integratedGradientsXInputExplainer } from '../explainers/integrated-gradients-x-input.js';
import { layerIntegratedGradientsExplainer } from '../explainers/layer-integrated-gradients.js';
import { convertOpset } from '../onnx/opset-convert.js';
import { encodeModel, opsetVersion, readModel } from '../onnx/proto.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { ModelBundle } from './bundle.js';
import type { GraphVariant } from './derived-graphs.js';
import { embedFeeds, idFeeds, logitsOf, run } from './forward.js';
import type { EncodedText } from './tokenizer.js';
import { maxDifference } from '../test-numbers.js';

interface GoldenSentence {
  text: string;
  ids: number[];
  logits: number[];
  attentions: number[][][][];
}

interface GoldenScores {
  raw: number[];
  scores: number[];
  delta?: number;
}

interface GradientSentence {
  text: string | null;
  ids: number[];
  target: number;
  grad_logit: number[][];
  grad_prob: number[][];
  explainers: Record<string, GoldenScores>;
}

const LOGIT_TOLERANCE = 1e-5;
const ATTENTION_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-4;
/**
 * The int8 graph of a variant against the int8 graph of the fixture it was made from (its golden's model):
 * the same quantized weights and activations, so the same numbers up to float rounding. (Against the exact
 * logits, int8 moves these random tiny models' logits by up to 0.26.)
 */
const INT8_TOLERANCE = 1e-4;
/** Far beyond int8 drift, well below what a wrong graph gives. */
const INT8_DRIFT = 0.5;
const VARIANTS: GraphVariant[] = ['attentions', 'embeds', 'gradients', 'forward', 'int8'];
const EXPLAINERS: Explainer[] = [
  gradientExplainer,
  gradientNormExplainer,
  gradientXInputExplainer,
  integratedGradientsExplainer,
  integratedGradientsXInputExplainer,
  layerIntegratedGradientsExplainer,
];

interface Variant {
  /** What the test is called. */
  name: string;
  /** Folder under fixtures/models/ the model comes from. */
  fixture: string;
  /** Golden files under fixtures/golden/ (without .json). */
  golden: string;
  /** The opset to rewrite the fixture to; absent: the fixture as exported. */
  opset?: number;
}

const converted = (fixture: string, opsets: number[]): Variant[] =>
  opsets.map((opset) => ({ name: `${fixture} at opset ${opset}`, fixture, golden: fixture, opset }));

const VARIANTS_UNDER_TEST: Variant[] = [
  ...converted('tiny-bert', [11, 12, 18]),
  ...converted('tiny-distilbert', [11, 12]),
  ...converted('tiny-roberta', [11, 12]),
  // Below 12 its int64 Clip of relative positions becomes Where; above 13 its Softmax at axis 3 stays the last axis.
  ...converted('tiny-deberta', [11, 18]),
  { name: 'tiny-bert-opset17', fixture: 'tiny-bert-opset17', golden: 'tiny-bert' },
  { name: 'tiny-bert-sdpa', fixture: 'tiny-bert-sdpa', golden: 'tiny-bert' },
  { name: 'tiny-distilbert-opset12', fixture: 'tiny-distilbert-opset12', golden: 'tiny-distilbert' },
  { name: 'tiny-distilbert-opset17', fixture: 'tiny-distilbert-opset17', golden: 'tiny-distilbert' },
  { name: 'tiny-distilbert-sdpa', fixture: 'tiny-distilbert-sdpa', golden: 'tiny-distilbert' },
  { name: 'tiny-electra', fixture: 'tiny-electra', golden: 'tiny-electra' },
  { name: 'tiny-mpnet', fixture: 'tiny-mpnet', golden: 'tiny-mpnet' },
  { name: 'tiny-albert', fixture: 'tiny-albert', golden: 'tiny-albert' },
];

const goldenPath = (name: string) => join(PACKAGE_ROOT, 'fixtures/golden', `${name}.json`);
const fixturePath = (name: string) => join(PACKAGE_ROOT, 'fixtures/models', name);
const present = (variant: Variant) =>
  existsSync(join(fixturePath(variant.fixture), 'onnx/model.onnx')) && existsSync(goldenPath(variant.golden));

/** The fixture's folder, or a copy of it whose model is rewritten to `opset`. */
async function modelFolder({ fixture, opset }: Variant): Promise<string> {
  const source = fixturePath(fixture);
  if (opset === undefined) return source;
  const folder = await mkdtemp(join(tmpdir(), `xai-opset${opset}-`));
  await mkdir(join(folder, 'onnx'));
  for (const entry of await readdir(source, { withFileTypes: true })) {
    if (entry.isFile()) await copyFile(join(source, entry.name), join(folder, entry.name));
  }
  const model = convertOpset(await readModel(join(source, 'onnx/model.onnx')), opset);
  await writeFile(join(folder, 'onnx/model.onnx'), encodeModel(model));
  return folder;
}

const maxAbs = (values: readonly number[]): number => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each(VARIANTS_UNDER_TEST.map((variant) => ({ ...variant, skip: !present(variant) })))(
  '$name against PyTorch (golden: $golden)',
  (variant) => {
    const { golden: goldenName, opset, skip } = variant;
    const golden = skip
      ? { sentences: [] as GoldenSentence[] }
      : (JSON.parse(readFileSync(goldenPath(goldenName), 'utf8')) as { sentences: GoldenSentence[] });
    const gradientFile = goldenPath(`${goldenName}.gradients`);
    const gradients = (
      !skip && existsSync(gradientFile)
        ? (JSON.parse(readFileSync(gradientFile, 'utf8')) as { sentences: GradientSentence[] }).sentences
        : []
    ).filter((sentence): sentence is GradientSentence & { text: string } => sentence.text !== null);
    let model: ModelBundle;
    let encodings: EncodedText[];
    const inputs: { encoded: EncodedText; prediction: Prediction }[] = [];

    beforeAll(async () => {
      if (skip) return;
      model = await ModelBundle.load(await modelFolder(variant), {
        cacheDir: await mkdtemp(join(tmpdir(), 'xai-golden-variants-')),
      });
      encodings = await model.tokenizer.encodeBatch(golden.sentences.map((sentence) => sentence.text));
      const gradientEncodings = await model.tokenizer.encodeBatch(gradients.map((sentence) => sentence.text));
      const predictions = await predictEncoded(model, gradientEncodings);
      gradientEncodings.forEach((encoded, i) => inputs.push({ encoded, prediction: predictions[i]! }));
    });
    afterAll(() => model?.dispose());

    it.skipIf(skip)('derives every graph, each at the model’s own opset', async () => {
      for (const graph of VARIANTS) {
        expect(await model.graphs.unsupportedReason(graph), graph).toBeUndefined();
        const derived = await readModel(await model.graphs.path(graph));
        if (opset !== undefined) expect(opsetVersion(derived), graph).toBe(opset);
        // onnxruntime checks every node against its opset's schema when it loads the graph.
        await model.session(graph);
      }
    });

    it.skipIf(skip)('predicts the golden logits, from ids and from inputs_embeds, in one padded batch', async () => {
      const classes = golden.sentences[0]!.logits.length;
      const predictions = await predictEncoded(model, encodings, { batchSize: encodings.length });
      const plain = logitsOf(await run(await model.session('plain'), idFeeds(model, encodings)));
      const embeds = await model.session('embeds');
      const fromEmbeds = logitsOf(
        await run(embeds, embedFeeds(model, encodings, await model.graphs.wordEmbeddings(), embeds.inputNames)),
      );
      golden.sentences.forEach((sentence, i) => {
        const row = (tensor: typeof plain) => (tensor.data as Float32Array).subarray(i * classes, (i + 1) * classes);
        expect(maxDifference(predictions[i]!.logits, sentence.logits), `${sentence.text}: forward`).toBeLessThanOrEqual(
          LOGIT_TOLERANCE,
        );
        expect(maxDifference(row(plain), sentence.logits), `${sentence.text}: plain`).toBeLessThanOrEqual(
          LOGIT_TOLERANCE,
        );
        expect(maxDifference(row(fromEmbeds), sentence.logits), `${sentence.text}: embeds`).toBeLessThanOrEqual(
          LOGIT_TOLERANCE,
        );
      });
    });

    it.skipIf(skip)('runs the int8 graph as the base fixture’s int8 graph does', async () => {
      const int8 = async (bundle: ModelBundle) =>
        Array.from(logitsOf(await run(await bundle.session('int8'), idFeeds(bundle, encodings))).data as Float32Array);
      const actual = await int8(model);
      if (variant.fixture === goldenName && opset === undefined) {
        // A model of its own: only a gross error (a wrong graph) is caught, against the exact logits.
        expect(
          maxDifference(
            actual,
            golden.sentences.flatMap((sentence) => sentence.logits),
          ),
        ).toBeLessThan(INT8_DRIFT);
        return;
      }
      const base = await ModelBundle.load(fixturePath(goldenName), {
        cacheDir: await mkdtemp(join(tmpdir(), 'xai-golden-variants-base-')),
      });
      try {
        expect(maxDifference(actual, await int8(base))).toBeLessThanOrEqual(INT8_TOLERANCE);
      } finally {
        await base.dispose();
      }
    });

    it.skipIf(skip)('exposes every attention map', async () => {
      for (const [i, sentence] of golden.sentences.entries()) {
        const { maps } = await attentionMaps(model, encodings[i]!);
        expect(maps.length, sentence.text).toBe(sentence.attentions.length);
        maps.forEach((heads, layer) => {
          expect(heads.length).toBe(sentence.attentions[layer]!.length);
          heads.forEach((map, head) =>
            expect(
              maxDifference(map, sentence.attentions[layer]![head]!.flat()),
              `${sentence.text}: layer ${layer} head ${head}`,
            ).toBeLessThanOrEqual(ATTENTION_TOLERANCE),
          );
        });
      }
    });

    it.skipIf(skip || gradients.length === 0)('has PyTorch’s raw gradients and gradient explainers', async () => {
      expect(model.info.modelType).toBeTruthy();
      for (const [i, sentence] of gradients.entries()) {
        const { encoded, prediction } = inputs[i]!;
        expect(encoded.ids, sentence.text).toEqual(sentence.ids);
        expect(prediction.predictedIndex, sentence.text).toBe(sentence.target);
        for (const output of ['logit', 'prob'] as const) {
          const expected = (output === 'logit' ? sentence.grad_logit : sentence.grad_prob).flat();
          const { gradient } = await inputGradient(model, encoded, { output, target: sentence.target });
          expect(maxDifference(gradient, expected), `${sentence.text}: ∂${output}`).toBeLessThanOrEqual(
            GRADIENT_TOLERANCE * maxAbs(expected),
          );
        }
        for (const explainer of EXPLAINERS) {
          const expected = sentence.explainers[explainer.id]!;
          const result = await explainer.explain(inputs[i]!, { model }, resolveOptions(explainer.options, {}));
          const what = `${sentence.text}: ${explainer.id}`;
          if (result.warnings.some((warning) => warning.code === 'degenerate')) {
            // Rounding noise around zero on both sides (see gradients.golden.test.ts).
            const scale = maxAbs(sentence.explainers.gradient!.raw);
            expect(maxAbs(result.raw), what).toBeLessThanOrEqual(GRADIENT_TOLERANCE * scale);
            expect(maxAbs(expected.raw), what).toBeLessThanOrEqual(GRADIENT_TOLERANCE * scale);
          } else {
            expect(maxDifference(result.scores, expected.scores), what).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
          }
          if (expected.delta !== undefined)
            expect(Math.abs(result.delta! - expected.delta), what).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
        }
      }
    });
  },
);
