/**
 * Model folders with a multi-label and a regression head for the specs: the committed fixtures
 * (fixtures/models/tiny-distilbert-multilabel, 4 emotions; fixtures/models/tiny-bert-regression, one score), or,
 * where a checkout lacks them, the bundled demo model made into one: its config.json saying multi-label (its two
 * logits then read as two independent sigmoids), or its two logits mapped to one score (their difference).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataType, encodeModel, readModel } from '../src/engine/onnx/proto.js';

const DEMO = resolve('resources/models/demo-sst2');
const scratch: string[] = [];

function demoCopy(name: string, config: (json: Record<string, unknown>) => Record<string, unknown>): string {
  const folder = mkdtempSync(join(tmpdir(), `xai-e2e-${name}-`));
  scratch.push(folder);
  cpSync(DEMO, folder, { recursive: true });
  const json = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config(json), null, 2));
  return folder;
}

function fixture(name: string): string | undefined {
  const folder = resolve('fixtures/models', name);
  return existsSync(join(folder, 'onnx/model.onnx')) && existsSync(join(folder, 'tokenizer.json')) ? folder : undefined;
}

export function multiLabelModel(): string {
  return (
    fixture('tiny-distilbert-multilabel') ??
    demoCopy('multilabel', (config) => ({ ...config, problem_type: 'multi_label_classification' }))
  );
}

export async function regressionModel(): Promise<string> {
  const found = fixture('tiny-bert-regression');
  if (found) return found;
  const folder = demoCopy('regression', (config) => ({
    ...config,
    id2label: { 0: 'score' },
    label2id: { score: 0 },
    problem_type: 'regression',
  }));
  // logits [batch, 2] → MatMul [[−1], [1]] → one score per sentence: POSITIVE's logit minus NEGATIVE's.
  const path = join(folder, 'onnx/model.onnx');
  const model = await readModel(path);
  const graph = model.graph!;
  const output = graph.output![0]!;
  for (const node of graph.node!) node.output = node.output!.map((name) => (name === output.name ? 'logits_2' : name));
  graph.initializer!.push({ name: 'to_score', dataType: DataType.FLOAT, dims: [2, 1], floatData: [-1, 1] });
  graph.node!.push({ opType: 'MatMul', input: ['logits_2', 'to_score'], output: [output.name!], name: 'to_score' });
  output.type = { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 1 }] } } };
  writeFileSync(path, encodeModel(model));
  return folder;
}

/** Removes the folders made from the demo model. */
export function removeHeadModels(): void {
  for (const folder of scratch.splice(0)) rmSync(folder, { recursive: true, force: true });
}
