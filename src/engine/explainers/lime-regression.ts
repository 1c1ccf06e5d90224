/**
 * The numeric half of LIME (lime 0.2's `LimeBase` as ferret calls it): cosine distances of the binary samples
 * to the unperturbed one, the exponential kernel, and sklearn's weighted `Ridge` with an unpenalized intercept.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** lime's `kernel_width` default for text. */
export const KERNEL_WIDTH = 25;

/**
 * Cosine distance ×100 between a sample with `active` of `features` ones and the all-ones row; a sample with
 * nothing active has no direction and sklearn's `cosine_distances` gives it 1.
 */
export function sampleDistance(active: number, features: number): number {
  return active === 0 ? 100 : (1 - Math.sqrt(active / features)) * 100;
}

/** lime's default kernel: `√exp(−d²/w²)`. */
export function kernel(distance: number, width = KERNEL_WIDTH): number {
  return Math.sqrt(Math.exp(-(distance * distance) / (width * width)));
}

export interface RidgeFit {
  coefficients: Float64Array;
  intercept: number;
}

/**
 * sklearn `Ridge(alpha).fit(X, y, sample_weight=w)`: X and y centred on their weighted means (so the intercept
 * is not penalized), then `(XcᵀWXc + αI)β = XcᵀWyc` solved by Cholesky (the matrix is SPD for α > 0).
 */
export function weightedRidge(
  rows: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  weights: ArrayLike<number>,
  alpha: number,
): RidgeFit {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  let total = 0;
  for (let i = 0; i < n; i += 1) total += weights[i]!;
  const xMean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i += 1) {
    const w = weights[i]! / total;
    for (let j = 0; j < d; j += 1) xMean[j]! += w * rows[i]![j]!;
    yMean += w * y[i]!;
  }
  // Rows scaled by √w, so that XwᵀXw = XcᵀWXc.
  const xw = new Matrix(n, d);
  const yw = new Matrix(n, 1);
  for (let i = 0; i < n; i += 1) {
    const root = Math.sqrt(weights[i]!);
    for (let j = 0; j < d; j += 1) xw.set(i, j, root * (rows[i]![j]! - xMean[j]!));
    yw.set(i, 0, root * (y[i]! - yMean));
  }
  const xt = xw.transpose();
  const gram = xt.mmul(xw);
  for (let j = 0; j < d; j += 1) gram.set(j, j, gram.get(j, j) + alpha);
  const beta = new CholeskyDecomposition(gram).solve(xt.mmul(yw));
  const coefficients = Float64Array.from({ length: d }, (_, j) => beta.get(j, 0));
  let intercept = yMean;
  for (let j = 0; j < d; j += 1) intercept -= coefficients[j]! * xMean[j]!;
  return { coefficients, intercept };
}
