import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeFeeds, probeShapes } from '../autodiff/shapes.js';
import { PACKAGE_ROOT } from '../paths.js';
import { opsetVersion, readModel } from './proto.js';
import { staticShapes } from './static-shapes.js';

const MODELS = join(PACKAGE_ROOT, 'fixtures/models');
const modelPath = (fixture: string) => join(MODELS, fixture, 'onnx/model.onnx');
/** Every fixture model: each family and exporter variant. */
const FIXTURES = readdirSync(MODELS).filter((fixture) => existsSync(modelPath(fixture)));

describe.each(FIXTURES.map((fixture) => ({ fixture })))('staticShapes of $fixture', ({ fixture }) => {
  it('agrees with onnxruntime run twice at different sizes, and knows every Softmax input', async () => {
    const model = await readModel(modelPath(fixture));
    const graph = model.graph!;
    const inferred = staticShapes(graph, opsetVersion(model));
    // The oracle: every tensor's dims from two runs (a dim equal in both is static, see autodiff/shapes.ts).
    const probed = await probeShapes(model, probeFeeds(graph));
    for (const [name, dims] of inferred) {
      const actual = probed.get(name);
      if (!actual) continue; // an initializer
      expect(dims.length, `rank of ${name}`).toBe(actual.length);
      dims.forEach((size, axis) => {
        // A dim said to be static must be static and that size; one not known may be either.
        if (size !== undefined) expect(size, `${name} dim ${axis}`).toBe(actual[axis]);
      });
    }
    const nodeOutputs = (graph.node ?? []).flatMap((node) => node.output ?? []).filter(Boolean);
    // Exported encoders have static ranks: the structure tells every one of them.
    // (Ops of other domains, such as onnxruntime's fused ones, are not followed: after one, ranks may be unknown.)
    const foreign = (graph.node ?? []).some((node) => node.domain && node.domain !== 'ai.onnx');
    if (foreign) return;
    expect(nodeOutputs.filter((name) => !inferred.has(name))).toEqual([]);
    for (const node of graph.node ?? []) {
      if (node.opType === 'Softmax') expect(inferred.get(node.input![0]!), node.name ?? '').toBeDefined();
    }
  });
});
