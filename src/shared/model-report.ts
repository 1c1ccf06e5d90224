/**
 * What `models inspect` says about a model, and what the app can show of it: each fact read where the engine
 * decides it (config.json, the tokenizer, the ONNX graph itself, the attention finder, the method registry),
 * so that a user sees why a method is missing before asking for it. Plain JSON data, as every face exchanges.
 */
import type { MethodInfo } from './api.js';
import { headDescription } from './charts/prediction.js';
import type { ModelInfo, Precision, Task } from './results.js';

/** A graph input or output as the ONNX file declares it. */
export interface GraphValue {
  name: string;
  /** The element type, as numpy names it: `int64`, `float32`, `bool`… (`unknown` when the file does not say). */
  type: string;
  /** Fixed sizes as numbers, dynamic ones by their names (`batch_size`), `?` for an unnamed one. */
  shape: (number | string)[];
}

/** A special token of the tokenizer, with the roles (`pad`, `cls`, `bos`…) transformers gives it. */
export interface SpecialToken {
  token: string;
  id: number;
  roles: string[];
}

export interface ModelReport {
  /** What was asked for: `demo`, a folder path or a hub id. */
  source: string;
  name: string;
  /** config.json's `model_type` (`distilbert`, `roberta`, …). */
  family: string;
  /** What the outputs mean (`ModelInfo.task`), the labels, and a multi-label head's threshold. */
  head: { task: Task; labels: string[]; threshold?: number };
  tokenizer: {
    /** tokenizer.json's model type: `WordPiece`, `BPE`, `Unigram`. */
    type: string;
    /** The special tokens the folder names and the vocabulary has, by id. */
    specials: SpecialToken[];
  };
  /** The ONNX file the model runs (the exported graph, not a derived one). */
  graph: {
    file: string;
    bytes: number;
    irVersion: number;
    /** The default (ai.onnx) domain's opset. */
    opset: number;
    /** Every operator set the graph imports, `ai.onnx` for the default domain (`com.microsoft` for fused kernels). */
    opsets: { domain: string; version: number }[];
    /** The exporter, as it signed the file (`pytorch 2.1.0`); absent when it did not. */
    producer?: string;
    /** The inputs fed at run time (initializers an older exporter also listed as inputs are left out). */
    inputs: GraphValue[];
    outputs: GraphValue[];
  };
  /** What config.json declares. */
  config: { layers: number; heads: number; hiddenSize: number };
  /**
   * The attention probabilities the engine's finder located in the graph: one tensor per layer, heads counted on
   * a run of it; or why there are none to show (a fused or quantized graph).
   */
  attention: { layers: number; heads: number } | { unavailableReason: string };
  /** Tokens one input may hold, specials included (the tokenizer's limit within the position table). */
  maxTokens: number;
  vocabSize: number;
  dtype: ModelInfo['dtype'];
  precision: Precision;
  /** sha256 of the ONNX file. */
  sha256: string;
  /** Every method of the registry, and why the model cannot run it when it cannot. */
  methods: Pick<MethodInfo, 'id' | 'label' | 'available' | 'unavailableReason'>[];
}

/** The report as `label: value` rows, in the order `models inspect` prints them. */
export function modelReportRows(report: ModelReport): [label: string, value: string][] {
  const { head, tokenizer, graph, config, attention } = report;
  const labels = head.task === 'regression' ? '' : ` (${head.labels.join(', ')})`;
  const specials = tokenizer.specials.map(({ token, id, roles }) => `${token} ${id} (${roles.join(', ')})`);
  const opsets = graph.opsets.filter(({ domain }) => domain !== 'ai.onnx');
  const found =
    'unavailableReason' in attention
      ? `none found: ${attention.unavailableReason}`
      : `${attention.layers} layers × ${attention.heads} heads found in the graph`;
  return [
    ['model', `${report.name} (${report.source})`],
    ['family', report.family],
    ['head', `${headDescription(head)}${labels}`],
    ['tokenizer', tokenizer.type],
    ['specials', specials.join(' · ') || '(none)'],
    ['file', `${graph.file} (${formatBytes(graph.bytes)})`],
    [
      'graph',
      [
        `opset ${graph.opset}`,
        ...opsets.map(({ domain, version }) => `${domain} ${version}`),
        `IR version ${graph.irVersion}`,
        ...(graph.producer ? [`from ${graph.producer}`] : []),
      ].join(' · '),
    ],
    ['inputs', graph.inputs.map(formatValue).join(' · ')],
    ['outputs', graph.outputs.map(formatValue).join(' · ')],
    ['attention', `${found} (config.json: ${config.layers} × ${config.heads}, hidden size ${config.hiddenSize})`],
    ['max tokens', String(report.maxTokens)],
    ['vocab size', String(report.vocabSize)],
    ['weights', `${report.dtype}${report.precision === 'int8' ? ' · perturbation methods in int8' : ''}`],
    ['sha256', report.sha256],
  ];
}

/** The report as `models inspect` prints it: one fact a line, then one line per method. */
export function formatModelReport(report: ModelReport): string {
  const rows = modelReportRows(report);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const methodWidth = Math.max(...report.methods.map(({ id }) => id.length)) + 2;
  const methods = report.methods.map(
    ({ id, available, unavailableReason }) =>
      `  ${id.padEnd(methodWidth)}${available ? 'available' : `unavailable: ${unavailableReason ?? ''}`}`,
  );
  return `${[...rows.map(([label, value]) => `${label.padEnd(width)}${value}`), 'methods', ...methods].join('\n')}\n`;
}

function formatValue({ name, type, shape }: GraphValue): string {
  return `${name} ${type} [${shape.join(', ')}]`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
