/**
 * Integration points α ∈ [0, 1] and weights for integrated gradients, exactly as captum's
 * `approximation_parameters` defines them, so that results and convergence deltas match captum's.
 */
export const INTEGRATION_METHODS = [
  'gausslegendre',
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
] as const;
export type IntegrationMethod = (typeof INTEGRATION_METHODS)[number];

export interface IntegrationPoints {
  alphas: Float64Array;
  weights: Float64Array;
}

export function integrationPoints(method: IntegrationMethod, steps: number): IntegrationPoints {
  if (method === 'gausslegendre') {
    const { nodes, weights } = gaussLegendre(steps);
    return { alphas: nodes.map((x) => (1 + x) / 2), weights: weights.map((w) => w / 2) };
  }
  if (method === 'riemann_trapezoid') {
    if (steps < 2) throw new RangeError('riemann_trapezoid needs at least 2 steps');
    const weights = new Float64Array(steps).fill(1 / (steps - 1));
    weights[0] = weights[steps - 1] = 1 / (2 * (steps - 1));
    return { alphas: linspace(0, 1, steps), weights };
  }
  const start = { riemann_left: 0, riemann_right: 1 / steps, riemann_middle: 1 / (2 * steps) }[method];
  return { alphas: linspace(start, start + 1 - 1 / steps, steps), weights: new Float64Array(steps).fill(1 / steps) };
}

function linspace(start: number, end: number, count: number): Float64Array {
  if (count === 1) return Float64Array.of(start);
  return Float64Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
}

/**
 * Nodes (ascending, as numpy's `leggauss`) and weights of the n-point Gauss–Legendre rule on [−1, 1]: Newton's
 * method on P_n from the Chebyshev-like initial guesses, P_n and P_n' by the three-term recurrence.
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i += 1) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      let previous = 1;
      let current = x;
      for (let k = 2; k <= n; k += 1)
        [previous, current] = [current, ((2 * k - 1) * x * current - (k - 1) * previous) / k];
      derivative = (n * (x * current - previous)) / (x * x - 1);
      const step = current / derivative;
      x -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    const weight = 2 / ((1 - x * x) * derivative * derivative);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = weight;
  }
  return { nodes, weights };
}
