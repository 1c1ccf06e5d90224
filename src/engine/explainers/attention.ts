/**
 * Attention maps: the softmax probabilities of every layer and head, aggregated over the selected layers and
 * heads; token scores are the `[CLS]` row of the aggregated map. Attention rollout (Abnar & Zuidema 2020)
 * is computed alongside: per layer the head-mean `A`, then `0.5·A + 0.5·I` with rows renormalized, multiplied
 * over layers from the first to the last.
 */
import { OptionError, type OptionValues } from '../../shared/options.js';
import type { AttentionData } from '../../shared/results.js';
import { ATTENTION_OUTPUT_PREFIX } from '../onnx/surgery.js';
import { idFeeds, run } from '../model/forward.js';
import type { ModelBundle } from '../model/bundle.js';
import type { EncodedText } from '../model/tokenizer.js';
import type { Explainer } from './explainer.js';

export const AGGREGATIONS = ['median', 'mean', 'max', 'min'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Every attention map of one sequence: `maps[layer][head]` is an `n×n` row-major Float32Array. */
export interface AttentionMaps {
  n: number;
  maps: Float32Array[][];
}

export async function attentionMaps(
  model: ModelBundle,
  encoded: EncodedText,
  signal?: AbortSignal,
): Promise<AttentionMaps> {
  const session = await model.session('attentions');
  const outputs = await run(session, idFeeds(model, [encoded]), signal);
  const n = encoded.ids.length;
  const maps: Float32Array[][] = [];
  for (let layer = 0; ; layer += 1) {
    const tensor = outputs[`${ATTENTION_OUTPUT_PREFIX}${layer}`];
    if (!tensor) break;
    const heads = tensor.dims[1] ?? 0;
    const data = tensor.data as Float32Array;
    maps.push(Array.from({ length: heads }, (_, head) => data.slice(head * n * n, (head + 1) * n * n)));
  }
  return { n, maps };
}

/**
 * Aggregates the selected maps cell by cell. Median is taken over layers first, then over heads (as numpy's
 * `median(axis=0)` twice does in the usual notebook), which differs from the median of all maps at once.
 */
export function aggregateMaps(
  { n, maps }: AttentionMaps,
  aggregation: Aggregation,
  layer: number | 'all' = 'all',
  head: number | 'all' = 'all',
): Float64Array {
  const layers = layer === 'all' ? maps : [maps[layer]!];
  const selected = layers.map((heads) => (head === 'all' ? heads : [heads[head]!]));
  const headCount = selected[0]!.length;
  const result = new Float64Array(n * n);
  const overLayers = new Float64Array(selected.length);
  const overHeads = new Float64Array(headCount);
  for (let cell = 0; cell < n * n; cell += 1) {
    for (let h = 0; h < headCount; h += 1) {
      for (let l = 0; l < selected.length; l += 1) overLayers[l] = selected[l]![h]![cell]!;
      overHeads[h] = reduce(overLayers, aggregation);
    }
    result[cell] = reduce(overHeads, aggregation);
  }
  return result;
}

export function rollout({ n, maps }: AttentionMaps): Float64Array {
  let product = identity(n);
  for (const heads of maps) {
    const mixed = new Float64Array(n * n);
    for (const map of heads)
      for (let cell = 0; cell < n * n; cell += 1) mixed[cell]! += (0.5 * map[cell]!) / heads.length;
    for (let i = 0; i < n; i += 1) {
      mixed[i * n + i]! += 0.5;
      let sum = 0;
      for (let j = 0; j < n; j += 1) sum += mixed[i * n + j]!;
      for (let j = 0; j < n; j += 1) mixed[i * n + j]! /= sum;
    }
    product = matmul(mixed, product, n);
  }
  return product;
}

function reduce(values: Float64Array, aggregation: Aggregation): number {
  switch (aggregation) {
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'median': {
      const sorted = Float64Array.from(values).sort();
      const middle = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    }
  }
}

function identity(n: number): Float64Array {
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) matrix[i * n + i] = 1;
  return matrix;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let k = 0; k < n; k += 1) {
      const aik = a[i * n + k]!;
      for (let j = 0; j < n; j += 1) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

function rows(matrix: ArrayLike<number>, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => matrix[i * n + j]!));
}

function checkIndex(value: number | 'all', count: number, what: string): void {
  if (value !== 'all' && value >= count)
    throw new OptionError(`attention option "${what}" must be below ${count}; got ${value}`);
}

export const attentionExplainer: Explainer = {
  id: 'attention',
  label: 'Attention',
  description: 'Self-attention probabilities; token score = the [CLS] row of the map aggregated over layers and heads.',
  needs: ['attentions'],
  options: [
    {
      name: 'aggregation',
      label: 'Aggregation',
      type: 'choice',
      choices: AGGREGATIONS,
      default: 'median',
      help: 'How maps are combined: over layers first, then over heads.',
    },
    { name: 'layer', label: 'Layer', type: 'index-or-all', default: 'all', help: 'One layer (0-based) or all.' },
    { name: 'head', label: 'Head', type: 'index-or-all', default: 'all', help: 'One head (0-based) or all.' },
    {
      name: 'view',
      label: 'Scores from',
      type: 'choice',
      choices: ['aggregated', 'rollout'],
      default: 'aggregated',
      help: 'Token scores from the [CLS] row of the aggregated map or of attention rollout.',
    },
    {
      name: 'include_maps',
      label: 'Keep every map',
      type: 'boolean',
      default: false,
      help: 'Return all layer × head maps (grows with n²).',
    },
  ],
  async explain({ encoded }, { model, signal }, options: OptionValues) {
    const started = performance.now();
    const all = await attentionMaps(model, encoded, signal);
    const layers = all.maps.length;
    const heads = all.maps[0]?.length ?? 0;
    const layer = options.layer as number | 'all';
    const head = options.head as number | 'all';
    checkIndex(layer, layers, 'layer');
    checkIndex(head, heads, 'head');
    const { n } = all;
    const aggregated = aggregateMaps(all, options.aggregation as Aggregation, layer, head);
    const rolled = rollout(all);
    const scores = Array.from((options.view === 'rollout' ? rolled : aggregated).subarray(0, n));
    const attention: AttentionData = {
      layers,
      heads,
      aggregated: rows(aggregated, n),
      rollout: rows(rolled, n),
      clsRows: all.maps.map((perHead) => perHead.map((map) => Array.from(map.subarray(0, n)))),
    };
    if (options.include_maps) attention.maps = all.maps.map((perHead) => perHead.map((map) => rows(map, n)));
    return {
      method: 'attention',
      options: { ...options, normalization: 'none' },
      tokens: encoded.tokens,
      raw: scores,
      scores,
      evaluations: 1,
      seconds: (performance.now() - started) / 1000,
      warnings: [],
      attention,
    };
  },
};
