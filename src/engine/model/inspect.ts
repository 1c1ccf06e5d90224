/**
 * Everything the workbench knows about a loaded model, gathered from where each fact is decided: config.json
 * (family, declared sizes), the tokenizer (type, specials, max tokens), the ONNX file itself (inputs, outputs,
 * opsets, exporter), the attention finder's derived graph (layers found, heads counted on one run of it) and
 * the method registry (what runs, and why not). `models inspect` prints it; the app can show it.
 */
import { stat } from 'node:fs/promises';
import type { GraphValue, ModelReport, SpecialToken } from '../../shared/model-report.js';
import { attentionMaps } from '../explainers/attention.js';
import { describeMethods } from '../explainers/registry.js';
import { DataType, int, opsetVersion, readModel, type ModelProto, type ValueInfoProto } from '../onnx/proto.js';
import type { ModelBundle } from './bundle.js';

export async function inspectModel(model: ModelBundle): Promise<ModelReport> {
  const { info, config, tokenizer, modelPath: file } = model;
  const [onnx, { size }, attention, methods] = await Promise.all([
    readModel(file),
    stat(file),
    attentionFound(model),
    describeMethods(model),
  ]);
  return {
    source: info.source,
    name: info.name,
    family: info.modelType,
    head: {
      task: config.task,
      labels: [...config.labels],
      ...(info.threshold === undefined ? {} : { threshold: info.threshold }),
    },
    tokenizer: { type: tokenizer.type, specials: specialTokens(tokenizer.specials) },
    graph: { file, bytes: size, ...graphFacts(onnx) },
    config: { layers: config.layers, heads: config.heads, hiddenSize: config.hiddenSize },
    attention,
    maxTokens: tokenizer.maxLength,
    vocabSize: config.vocabSize,
    dtype: info.dtype,
    precision: info.precision ?? 'fp32',
    sha256: info.sha256,
    methods: methods.map(({ id, label, available, unavailableReason }) => ({
      id,
      label,
      available,
      ...(unavailableReason === undefined ? {} : { unavailableReason }),
    })),
  };
}

/** What the ONNX file itself declares: opsets, exporter, and the inputs and outputs of its graph. */
export function graphFacts(model: ModelProto): Omit<ModelReport['graph'], 'file' | 'bytes'> {
  const graph = model.graph ?? {};
  // Exporters before IR version 4 listed every initializer among the inputs too; those are weights, not inputs.
  const initializers = new Set((graph.initializer ?? []).map((tensor) => tensor.name));
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  return {
    irVersion: int(model.irVersion),
    opset: opsetVersion(model),
    opsets: (model.opsetImport ?? []).map((entry) => ({
      domain: entry.domain || 'ai.onnx',
      version: int(entry.version),
    })),
    ...(producer ? { producer } : {}),
    inputs: (graph.input ?? []).filter((input) => !initializers.has(input.name)).map(graphValue),
    outputs: (graph.output ?? []).map(graphValue),
  };
}

/** numpy's names for ONNX element types where they differ from the enum's (FLOAT is float32). */
const NUMPY_NAMES: Record<string, string> = { FLOAT: 'float32', DOUBLE: 'float64' };

function graphValue(value: ValueInfoProto): GraphValue {
  const tensor = value.type?.tensorType;
  const enumName = tensor?.elemType ? (DataType[tensor.elemType] as string | undefined) : undefined;
  return {
    name: value.name ?? '',
    type: enumName ? (NUMPY_NAMES[enumName] ?? enumName.toLowerCase()) : 'unknown',
    shape: (tensor?.shape?.dim ?? []).map((dim) =>
      dim.dimValue !== null && dim.dimValue !== undefined ? int(dim.dimValue) : dim.dimParam || '?',
    ),
  };
}

/** The special tokens by id, each with every role it plays (RoBERTa's `<s>` is both cls and bos). */
function specialTokens(specials: ModelBundle['tokenizer']['specials']): SpecialToken[] {
  const byId = new Map<number, SpecialToken>();
  for (const [role, named] of Object.entries(specials)) {
    if (!named) continue;
    const entry = byId.get(named.id) ?? { token: named.token, id: named.id, roles: [] };
    entry.roles.push(role);
    byId.set(named.id, entry);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * The layers the attention finder located (one probability tensor each, per the derived graphs' manifest) and
 * their heads, counted on one run of the attention graph over the tokenizer's specials alone.
 */
async function attentionFound(model: ModelBundle): Promise<ModelReport['attention']> {
  const unavailableReason = await model.unsupportedReason('attentions');
  if (unavailableReason !== undefined) return { unavailableReason };
  const layers = await model.graphs.attentionLayers();
  const { maps } = await attentionMaps(model, await model.tokenizer.encode(''));
  const heads = new Set(maps.map((layer) => layer.length));
  if (maps.length !== layers || heads.size !== 1) {
    throw new Error(
      `the attention graph gave ${maps.length} layers of ${[...heads].join('/')} heads; its manifest says ${layers} layers`,
    );
  }
  return { layers, heads: [...heads][0]! };
}
