/**
 * Matrix-product FLOPs of one forward pass of a DistilBERT/BERT sequence classifier, from config.json. Only the
 * matrix products count (LayerNorm, GELU, softmax and the adds are < 1% of the arithmetic); a multiply–add is
 * 2 FLOPs. Per layer and sequence of n tokens: Q, K, V and output projections 4·2·n·d², the two FFN products
 * 2·2·n·d·f, the attention scores QKᵀ and the weighted sum AV 2·2·n²·d; then the classifier head on [CLS]:
 * 2·d² + 2·d·c (DistilBERT's pre_classifier, BERT's pooler).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FLOPS_FORMULA = 'L·(8·n·d² + 4·n·d·f + 4·n²·d) + 2·d² + 2·d·c';

export interface Architecture {
  /** L, d, f, c of the formula. */
  layers: number;
  hidden: number;
  intermediate: number;
  classes: number;
}

export function readArchitecture(modelDir: string): Architecture {
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const size = (...keys: string[]) => {
    const value = keys.map((key) => config[key]).find((candidate) => typeof candidate === 'number');
    if (value === undefined) throw new Error(`config.json has none of ${keys.join(', ')}`);
    return value as number;
  };
  return {
    layers: size('n_layers', 'num_hidden_layers'),
    hidden: size('dim', 'hidden_size'),
    intermediate: size('hidden_dim', 'intermediate_size'),
    classes: Object.keys(config.id2label ?? { 0: '', 1: '' }).length,
  };
}

export function forwardFlops({ layers, hidden: d, intermediate: f, classes: c }: Architecture, n: number): number {
  return layers * (8 * n * d * d + 4 * n * d * f + 4 * n * n * d) + 2 * d * d + 2 * d * c;
}

/** What the last layer skips on the pooled-row graph, as a formula for the footnote. */
export const POOLED_ROW_FORMULA = '(n−1)·(2·n·d + 2·d² + 4·d·f)';

/**
 * The same pass on the pooled-row graph (`forward` in derived-graphs.ts), which predictions and the forward-only
 * methods run on: in the last layer the attention-weighted sum, the output projection and both FFN products
 * skip the other n − 1 rows (as narrowed in DistilBERT's export; the projections and scores stay whole).
 */
export function pooledRowFlops(architecture: Architecture, n: number): number {
  const { hidden: d, intermediate: f } = architecture;
  return forwardFlops(architecture, n) - (n - 1) * (2 * n * d + 2 * d * d + 4 * d * f);
}
