/**
 * DeBERTa's degenerate presets are found from the graph, never from the family's name or its config.json:
 * tiny-deberta (DeBERTa-v3: the embeddings LayerNorm sees the word embeddings alone) marks gradient × input and IG
 * × input from the zero baseline degenerate; tiny-deberta-v2 (position_biased_input, two token types: position and
 * type embeddings added before that LayerNorm) marks neither, and its IG from zero rows converges at 50 steps. Each
 * graph is also loaded beside the other's config.json, which changes nothing.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
import { gradientXInputExplainer } from './gradient-x-input.js';
import { integratedGradientsXInputExplainer } from './integrated-gradients-x-input.js';

const TEXT = 'You look terrible! Maybe you should rest?';
const fixture = (name: string) => join(PACKAGE_ROOT, 'fixtures/models', name);
/** The folders this file writes (copies and caches), removed at the end. */
const scratch: string[] = [];
const temporary = async (prefix: string) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterAll(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A copy of `name`'s folder with `configFrom`'s config.json (or its own). */
async function folder(name: string, configFrom: string): Promise<string> {
  if (configFrom === name) return fixture(name);
  const dir = await temporary('xai-deberta-presets-');
  await mkdir(join(dir, 'onnx'));
  for (const entry of await readdir(fixture(name), { withFileTypes: true })) {
    if (entry.isFile()) await copyFile(join(fixture(name), entry.name), join(dir, entry.name));
  }
  await copyFile(join(fixture(name), 'onnx/model.onnx'), join(dir, 'onnx/model.onnx'));
  await writeFile(join(dir, 'config.json'), await readFile(join(fixture(configFrom), 'config.json')));
  return dir;
}

describe.each([
  { graph: 'tiny-deberta', config: 'tiny-deberta', scaleInvariant: true },
  { graph: 'tiny-deberta', config: 'tiny-deberta-v2', scaleInvariant: true },
  { graph: 'tiny-deberta-v2', config: 'tiny-deberta-v2', scaleInvariant: false },
  { graph: 'tiny-deberta-v2', config: 'tiny-deberta', scaleInvariant: false },
])('$graph’s graph with $config’s config.json', ({ graph, config, scaleInvariant }) => {
  let model: ModelBundle;
  let input: { encoded: EncodedText; prediction: Prediction };
  beforeAll(async () => {
    model = await ModelBundle.load(await folder(graph, config), {
      cacheDir: await temporary('xai-deberta-presets-cache-'),
    });
    const [encoded] = await model.tokenizer.encodeBatch([TEXT]);
    const [prediction] = await predictEncoded(model, [encoded!]);
    input = { encoded: encoded!, prediction: prediction! };
  });
  afterAll(() => model?.dispose());
  const explain = (explainer: Explainer, given: Record<string, unknown> = {}) =>
    explainer.explain(input, { model }, resolveOptions(explainer.options, given));
  const codes = (warnings: { code: string }[]) => warnings.map((warning) => warning.code);

  it(`finds ${scaleInvariant ? 'nothing' : 'positions and token types'} added before the embeddings LayerNorm`, async () => {
    expect(model.info.modelType).toBe('deberta-v2');
    expect(await model.graphs.layerNormAfterEmbeddings()).toBe(true);
    expect(await model.graphs.scaleInvariantEmbeddings()).toBe(scaleInvariant);
  });

  it(`marks gradient × input degenerate: ${scaleInvariant}`, async () => {
    const result = await explain(gradientXInputExplainer);
    expect(codes(result.warnings)).toEqual(scaleInvariant ? ['degenerate'] : []);
  });

  it(`marks IG × input from the zero baseline at 50 steps degenerate: ${scaleInvariant}`, async () => {
    const result = await explain(integratedGradientsXInputExplainer, { baseline: 'zero' });
    expect(codes(result.warnings)).toEqual(scaleInvariant ? ['degenerate'] : []);
    const change = result.raw.reduce((a, b) => a + b, 0) - result.delta!;
    // Without the degeneracy the 50 Gauss–Legendre steps close the gap to a small share of f(x) − f(x').
    if (!scaleInvariant) expect(Math.abs(result.delta!)).toBeLessThan(0.01 * Math.abs(change));
  });
});
