import { describe, expect, it } from 'vitest';
import { gaussLegendre, integrationPoints, INTEGRATION_METHODS } from './integration.js';

describe('integrationPoints', () => {
  it('has numpy leggauss nodes and weights', () => {
    const { nodes, weights } = gaussLegendre(3);
    expect(Array.from(nodes)).toEqual([-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)].map((v) => expect.closeTo(v, 14)));
    expect(Array.from(weights)).toEqual([5 / 9, 8 / 9, 5 / 9].map((v) => expect.closeTo(v, 14)));
  });

  it('integrates polynomials of degree 2n−1 exactly on [0, 1] (Gauss–Legendre, 50 points)', () => {
    const { alphas, weights } = integrationPoints('gausslegendre', 50);
    const integral = alphas.reduce((sum, a, i) => sum + weights[i]! * a ** 99, 0);
    expect(integral).toBeCloseTo(1 / 100, 13);
  });

  it.each(INTEGRATION_METHODS)('%s weights sum to one', (method) => {
    const { weights } = integrationPoints(method, 7);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('places riemann points as captum does', () => {
    expect(Array.from(integrationPoints('riemann_left', 4).alphas)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(integrationPoints('riemann_right', 4).alphas)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(integrationPoints('riemann_middle', 4).alphas)).toEqual([0.125, 0.375, 0.625, 0.875]);
    const trapezoid = integrationPoints('riemann_trapezoid', 3);
    expect(Array.from(trapezoid.alphas)).toEqual([0, 0.5, 1]);
    expect(Array.from(trapezoid.weights)).toEqual([0.25, 0.5, 0.25]);
  });
});
