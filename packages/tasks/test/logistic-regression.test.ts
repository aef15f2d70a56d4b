import { Rng } from '@wb/core';
import { describe, expect, it } from 'vitest';
import { LogisticRegression, fitLogisticRegression } from '../src/index.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** n points per class around the given centres, deterministic. */
function blobs(centres: number[][], n: number, spread: number, seed: number): { X: number[][]; y: number[] } {
  const rng = new Rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  centres.forEach((centre, label) => {
    for (let i = 0; i < n; i++) {
      X.push(centre.map((c) => c + spread * rng.normal()));
      y.push(label);
    }
  });
  return { X, y };
}

describe('LogisticRegression, binary', () => {
  it('solves the symmetric two-point problem in closed form', () => {
    // Points x = +1 (label 1) and x = −1 (label 0). With mean loss and L2 strength λ:
    //   J(w, b) = ½[log(1 + e^−(w+b)) + log(1 + e^(−w+b))] + (λ/2)w²
    // ∂J/∂b = ½[σ(b − w) − σ(−w − b)] vanishes at b = 0 (the problem is symmetric), and then
    //   J(w, 0) = log(1 + e^−w) + (λ/2)w²,   dJ/dw = −1/(1 + e^w) + λw.
    // Choosing λ = 1/(4 ln 3) makes w = ln 3 a root: −1/(1 + 3) + ln3/(4 ln 3) = 0, and J is
    // strictly convex, so w* = ln 3 exactly, and p(1 | x = 1) = σ(ln 3) = 3/4.
    const X = [[1], [-1]];
    const y = [1, 0];
    const model = LogisticRegression.fit(X, y, { lambda: 1 / (4 * Math.log(3)), tol: 1e-10 });
    expect(Math.abs(model.weights[0] - Math.log(3))).toBeLessThan(1e-8);
    expect(Math.abs(model.intercepts[0])).toBeLessThan(1e-8);
    expect(model.predictProba([[1]])[0][1]).toBeCloseTo(0.75, 8);
    // scikit-learn's C for the same objective: λ = 1/(C·n) → C = 4 ln 3 / 2 = 2 ln 3.
    const sameViaC = LogisticRegression.fit(X, y, { C: 2 * Math.log(3), tol: 1e-10 });
    expect(Math.abs(sameViaC.weights[0] - Math.log(3))).toBeLessThan(1e-8);
  });

  it('stops where the gradient of the regularised loss is zero (1-D data, to 1e-6)', () => {
    // Overlapping classes, so the optimum is finite even with weak regularisation.
    const { X, y } = blobs([[-0.5], [0.7]], 40, 1, 7);
    const lambda = 0.05;
    // tol is tighter than the check because the optimiser works on centred features and its
    // tolerance applies there; it may also stop earlier when f stops changing at rounding level.
    const model = LogisticRegression.fit(X, y, { lambda, tol: 1e-9 });
    expect(model.info.stop).not.toBe('maxIter');
    // The gradient, recomputed here from its formula rather than taken from the optimiser:
    //   ∂J/∂w = (1/n) Σ (σ(w xᵢ + b) − yᵢ) xᵢ + λw,   ∂J/∂b = (1/n) Σ (σ(w xᵢ + b) − yᵢ)
    const w = model.weights[0];
    const b = model.intercepts[0];
    let gw = lambda * w;
    let gb = 0;
    X.forEach(([x], i) => {
      const r = (sigmoid(w * x + b) - y[i]) / X.length;
      gw += r * x;
      gb += r;
    });
    expect(Math.abs(gw)).toBeLessThan(1e-6);
    expect(Math.abs(gb)).toBeLessThan(1e-6);
    expect(w).toBeGreaterThan(0); // class 1 sits at larger x
  });

  it('reaches 100% training accuracy on separable data with weak regularisation', () => {
    const rng = new Rng(3);
    const X = Array.from({ length: 200 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    // Labelled by a hyperplane, with points too close to it dropped so a margin exists.
    const keep = X.filter(([a, b, c]) => Math.abs(2 * a - b + 0.5 * c - 0.3) > 0.1);
    const y = keep.map(([a, b, c]) => (2 * a - b + 0.5 * c - 0.3 > 0 ? 1 : 0));
    const model = fitLogisticRegression(keep, y, { C: 1e4 });
    expect(model.score(keep, y)).toBe(1);
  });

  it('is deterministic and accepts Float32Array rows', () => {
    const { X, y } = blobs([[0, 0], [1, 1]], 30, 1, 11);
    const rows32 = X.map((row) => Float32Array.from(row));
    const a = LogisticRegression.fit(rows32, y);
    const b = LogisticRegression.fit(rows32, y);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.predict(rows32)).toEqual(b.predict(rows32));
    expect(a.predictProba(rows32).every((p) => Math.abs(p[0] + p[1] - 1) < 1e-12)).toBe(true);
  });

  it('with standardize, is unchanged by rescaling and shifting a feature', () => {
    // Standardising first makes the fit see the same data either way, and the weights are
    // folded back to raw features, so predictions on the raw inputs agree.
    const { X, y } = blobs([[0, 0], [1, 0.5]], 30, 1, 5);
    const scaled = X.map(([a, b]) => [1000 * a + 50, b]);
    const plain = LogisticRegression.fit(X, y, { standardize: true, tol: 1e-10 });
    const rescaled = LogisticRegression.fit(scaled, y, { standardize: true, tol: 1e-10 });
    const p = plain.predictProba(X).map((row) => row[1]);
    const q = rescaled.predictProba(scaled).map((row) => row[1]);
    expect(Math.max(...p.map((v, i) => Math.abs(v - q[i])))).toBeLessThan(1e-8);
  });
});

describe('LogisticRegression, multinomial', () => {
  it('stops where the softmax objective gradient is zero (to 1e-6)', () => {
    const { X, y } = blobs([[0, 0], [1.5, 0], [0, 1.5]], 25, 1, 9);
    const lambda = 0.02;
    const model = LogisticRegression.fit(X, y, { lambda, tol: 1e-9 });
    expect(model.numClasses).toBe(3);
    expect(model.weights).toHaveLength(6);
    // ∂J/∂W_k = (1/n) Σ (p_ik − [yᵢ = k]) xᵢ + λW_k,   ∂J/∂b_k = (1/n) Σ (p_ik − [yᵢ = k])
    const proba = model.predictProba(X);
    const gradient = Array.from(model.weights, (w) => lambda * w).concat([0, 0, 0]);
    X.forEach((x, i) => {
      for (let k = 0; k < 3; k++) {
        const r = (proba[i][k] - (y[i] === k ? 1 : 0)) / X.length;
        gradient[k * 2] += r * x[0];
        gradient[k * 2 + 1] += r * x[1];
        gradient[6 + k] += r;
      }
    });
    expect(Math.max(...gradient.map(Math.abs))).toBeLessThan(1e-6);
  });

  it('separates three well-separated blobs', () => {
    const { X, y } = blobs([[0, 0], [6, 0], [0, 6]], 20, 1, 13);
    const model = LogisticRegression.fit(X, y, { C: 100 });
    expect(model.score(X, y)).toBe(1);
    expect(model.predict([[6, 0], [0, 6], [0, 0]])).toEqual([1, 2, 0]);
  });
});

describe('LogisticRegression input checks', () => {
  it('names the bad row, feature or label', () => {
    expect(() => LogisticRegression.fit([[1, 2], [3]], [0, 1])).toThrow('fit: row 1 has 1 features, expected as many as row 0 (2)');
    expect(() => LogisticRegression.fit([[1], [NaN]], [0, 1])).toThrow('fit: X[1][0] is NaN; features must be finite numbers');
    expect(() => LogisticRegression.fit([[1], [2]], [0, 0.5])).toThrow('fit: y[1] is 0.5; labels must be integers 0..K-1');
    expect(() => LogisticRegression.fit([[1], [2]], [1, 1])).toThrow('fit: class 0 has no examples');
    expect(() => LogisticRegression.fit([[1], [2]], [0, 0])).toThrow('fit: y has a single class');
    expect(() => LogisticRegression.fit([[1], [2]], [0, 1], { C: 1, lambda: 1 })).toThrow('give C or lambda, not both');
    const model = LogisticRegression.fit([[1], [2]], [0, 1]);
    expect(() => model.predict([[1, 2]])).toThrow('predictProba: row 0 has 2 features, expected the 1 the model was fitted on');
  });
});

describe('LogisticRegression on ill-conditioned features', () => {
  it('converges on 1,500 × 256 [CLS]-like features (the SST-2 probe size)', () => {
    // [CLS]-like features: a large shared offset, a few dominant directions and small noise,
    // which is far worse conditioned than isotropic Gaussian data (that fits in ~0.05 s).
    // Measured on the shared 2-core dev container, C = 1, tol 1e-6: 0.65–1.0 s, ~800 L-BFGS
    // iterations (binary); with standardize ~0.2 s; 3 classes ~1.4 s. Weak regularisation
    // (C = 100) on the same data stops at maxIter 1000 after ~1 s with max |∂J| ≈ 4e-4.
    const rng = new Rng(2);
    const [n, d, rank] = [1500, 256, 16];
    const offset = Array.from({ length: d }, () => 3 * rng.normal());
    const basis = Array.from({ length: rank }, () => Array.from({ length: d }, () => rng.normal()));
    const X = Array.from({ length: n }, () => {
      const c = Array.from({ length: rank }, (_, k) => (4 / (k + 1)) * rng.normal());
      return Float32Array.from({ length: d }, (_, j) => offset[j] + c.reduce((s, v, k) => s + v * basis[k][j], 0) + 0.3 * rng.normal());
    });
    const y = X.map((x) => (x[0] - offset[0] + x[5] - offset[5] + 2 * rng.normal() > 0 ? 1 : 0));
    // Speed belongs to benchmarks; here only that L-BFGS gets there and fits the training data.
    const model = LogisticRegression.fit(X, y, { C: 1 });
    expect(model.info.converged).toBe(true);
    expect(model.score(X, y)).toBeGreaterThan(0.9);
  });
});
