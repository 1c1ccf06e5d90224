/**
 * The degenerate presets of a model whose embeddings LayerNorm sees the word embeddings alone (tiny-deberta:
 * DeBERTa-v3 adds no position or type embeddings): gradient × input is rounding noise, and IG from a baseline with
 * zero rows misses most of f(x) − f(x') at 50 steps. Both are marked `degenerate` with the reason; the reference
 * presets themselves are unchanged (their numbers are PyTorch's: gradients.golden.test.ts). A BERT model, whose
 * LayerNorm sees word + position + type embeddings, gets neither warning.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import type { Prediction } from '../../shared/results.js';
import { ModelBundle } from '../model/bundle.js';
import type { EncodedText } from '../model/tokenizer.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import type { Explainer } from './explainer.js';
import { gradientExplainer } from './gradient.js';
import { gradientXInputExplainer } from './gradient-x-input.js';
import { integratedGradientsXInputExplainer } from './integrated-gradients-x-input.js';
import { layerIntegratedGradientsExplainer } from './layer-integrated-gradients.js';

const TEXT = 'You look terrible! Maybe you should rest?';

async function load(name: string) {
  const model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), {
    cacheDir: await mkdtemp(join(tmpdir(), 'xai-scale-invariant-')),
  });
  const [encoded] = await model.tokenizer.encodeBatch([TEXT]);
  const [prediction] = await predictEncoded(model, [encoded!]);
  return { model, input: { encoded: encoded!, prediction: prediction! } };
}

describe.each([
  { name: 'tiny-deberta', scaleInvariant: true },
  { name: 'tiny-bert', scaleInvariant: false },
])('$name', ({ name, scaleInvariant }) => {
  let model: ModelBundle;
  let input: { encoded: EncodedText; prediction: Prediction };
  beforeAll(async () => ({ model, input } = await load(name)));
  afterAll(() => model.dispose());
  const explain = (explainer: Explainer, given: Record<string, unknown> = {}) =>
    explainer.explain(input, { model }, resolveOptions(explainer.options, given));
  const codes = (warnings: { code: string }[]) => warnings.map((warning) => warning.code);

  it(`detects the structure from the graph: ${scaleInvariant ? 'nothing' : 'positions and types'} added before the LayerNorm`, async () => {
    expect(await model.graphs.layerNormAfterEmbeddings()).toBe(true);
    expect(await model.graphs.scaleInvariantEmbeddings()).toBe(scaleInvariant);
  });

  it(`marks gradient × input degenerate: ${scaleInvariant}`, async () => {
    const result = await explain(gradientXInputExplainer);
    const gradient = await explain(gradientExplainer);
    expect(gradient.warnings).toEqual([]);
    if (!scaleInvariant) return void expect(result.warnings).toEqual([]);
    expect(codes(result.warnings)).toEqual(['degenerate']);
    expect(result.warnings[0]!.message).toMatch(/nothing is added to the word embeddings .* scale-invariant/);
    // Rounding noise: Σ_d E·∂f/∂E is ~1e-7 of Σ_d |∂f/∂E| per token.
    const scale = Math.max(...gradient.raw.map(Math.abs));
    expect(Math.max(...result.raw.map(Math.abs))).toBeLessThan(1e-5 * scale);
  });

  it.each([integratedGradientsXInputExplainer, layerIntegratedGradientsExplainer])(
    `marks %s from the zero baseline at 50 steps by its completeness gap, not from pad or mask (${String(scaleInvariant)})`,
    async (explainer) => {
      const zero = await explain(explainer, { baseline: 'zero' });
      if (scaleInvariant) {
        expect(codes(zero.warnings)).toEqual(['degenerate']);
        const change = zero.raw.reduce((a, b) => a + b, 0) - zero.delta!;
        expect(Math.abs(zero.delta!)).toBeGreaterThan(0.1 * Math.abs(change));
        expect(zero.warnings[0]!.message).toMatch(
          /the zero baseline .* convergence delta .* more steps .* \(pad, mask\)/,
        );
      } else {
        expect(zero.warnings).toEqual([]);
      }
      for (const baseline of ['pad', 'mask']) expect((await explain(explainer, { baseline })).warnings).toEqual([]);
    },
  );

  it.runIf(scaleInvariant)('drops the mark when enough Gauss–Legendre steps close the gap', async () => {
    const result = await explain(integratedGradientsXInputExplainer, { baseline: 'zero', n_steps: 1000 });
    expect(Math.abs(result.delta!)).toBeLessThan(1e-3);
    expect(result.warnings).toEqual([]);
  });
});
