import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../src/index.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of a quadratic, A x = b', () => {
    // f = ½ xᵀAx − bᵀx with A = [[4, 1], [1, 3]], b = [1, 2]:
    // x* = A⁻¹b = (1/11)·[[3, −1], [−1, 4]]·[1, 2] = [1/11, 7/11].
    const result = minimizeLbfgs(
      (x, g) => {
        g[0] = 4 * x[0] + x[1] - 1;
        g[1] = x[0] + 3 * x[1] - 2;
        return 0.5 * (4 * x[0] * x[0] + 2 * x[0] * x[1] + 3 * x[1] * x[1]) - x[0] - 2 * x[1];
      },
      new Float64Array(2),
      { tol: 1e-10 },
    );
    expect(result.converged).toBe(true);
    expect(result.stop).toBe('gradient');
    expect(result.x[0]).toBeCloseTo(1 / 11, 9);
    expect(result.x[1]).toBeCloseTo(7 / 11, 9);
  });

  it('minimises the Rosenbrock function (non-convex, curved valley) to (1, 1)', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = x;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { tol: 1e-9, maxIter: 500 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('stops at maxIter without claiming convergence', () => {
    const result = minimizeLbfgs((x, g) => {
      g[0] = 4 * x[0] ** 3;
      return x[0] ** 4;
    }, Float64Array.of(3), { maxIter: 2, tol: 1e-12 });
    expect(result).toMatchObject({ iterations: 2, converged: false, stop: 'maxIter' });
  });
});
