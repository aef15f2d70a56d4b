/**
 * L2-regularised logistic regression in plain TypeScript, for probing frozen features (e.g. a
 * BERT [CLS] vector per sentence): small enough to fit in a second and deterministic, so a
 * notebook that fits a probe prints the same accuracy every run.
 *
 * Objective, with n examples, weights W and intercepts b (the intercepts are not penalised):
 *
 *     J(W, b) = (1/n) Σᵢ −log p(yᵢ | xᵢ) + (λ/2) ‖W‖²
 *
 * Two classes use one weight vector and a sigmoid, p(1|x) = σ(w·x + b); more classes use one
 * vector per class and a softmax (multinomial). `C` is scikit-learn's parameter for the same
 * objective, C·Σᵢ loss + ½‖W‖², i.e. λ = 1/(C·n), so C = 1 (the default) matches
 * `LogisticRegression()` there. J is strictly convex in W and minimised by L-BFGS.
 */
import { minimizeLbfgs, type LbfgsStop } from './optim/lbfgs.js';

export type FeatureMatrix = readonly ArrayLike<number>[];

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as in scikit-learn (λ = 1/(C·n)); default 1. */
  C?: number;
  /** L2 strength λ of the mean-loss objective; give this or C, not both. */
  lambda?: number;
  /** Default 1000. */
  maxIter?: number;
  /** Stop when max |∂J| ≤ tol; default 1e-6. */
  tol?: number;
  /**
   * Scale each feature to unit variance before fitting (better conditioned, and the penalty
   * then treats features alike, which changes the solution). The model stores weights for the
   * original features either way, so predictions take raw features. Default false.
   */
  standardize?: boolean;
  /** Default true. */
  fitIntercept?: boolean;
}

interface LogisticRegressionFitInfo {
  lambda: number;
  /** Objective J at the solution (of the standardised problem when standardize is on). */
  loss: number;
  /** max |∂J| at the solution, in the optimiser's (centred, maybe scaled) coordinates. */
  gradientMax: number;
  iterations: number;
  converged: boolean;
  stop: LbfgsStop;
}

export class LogisticRegression {
  private constructor(
    readonly numClasses: number,
    readonly numFeatures: number,
    /** Row-major [rows × numFeatures]; rows = 1 for two classes (class 1's logit), else numClasses. */
    readonly weights: Float64Array,
    readonly intercepts: Float64Array,
    readonly info: LogisticRegressionFitInfo,
  ) {}

  /** Fits on rows X (numbers or Float32Arrays) with integer labels y in 0..K-1, each present. */
  static fit(X: FeatureMatrix, y: ArrayLike<number>, options: LogisticRegressionOptions = {}): LogisticRegression {
    const { data, n, d } = packRows(X, 'fit');
    const numClasses = checkLabels(y, n);
    if (options.C !== undefined && options.lambda !== undefined) throw new Error('LogisticRegression: give C or lambda, not both');
    if (options.C !== undefined && !(options.C > 0)) throw new Error(`LogisticRegression: C must be > 0, got ${options.C}`);
    if (options.lambda !== undefined && !(options.lambda >= 0)) throw new Error(`LogisticRegression: lambda must be ≥ 0, got ${options.lambda}`);
    const lambda = options.lambda ?? 1 / ((options.C ?? 1) * n);
    const fitIntercept = options.fitIntercept ?? true;

    // Centring is an exact reparametrisation when there is an intercept (w·x + b = w·(x − μ) +
    // (b + w·μ), and b is not penalised), so it is always done: features like BERT's share a
    // large common offset, which otherwise couples w and b and slows L-BFGS (on [CLS]-like test
    // data, from not converging in 1000 iterations to ~800).
    // Scaling does change the penalty, so it only happens on request.
    const { mean, scale } = centreAndScale(data, n, d, fitIntercept, options.standardize ?? false);
    const rows = numClasses === 2 ? 1 : numClasses;
    const labels = Int32Array.from(y as ArrayLike<number>);
    const objective = numClasses === 2 ? binaryObjective(data, labels, n, d, lambda, fitIntercept) : softmaxObjective(data, labels, n, d, rows, lambda, fitIntercept);
    const result = minimizeLbfgs(objective, new Float64Array(rows * d + rows), { maxIter: options.maxIter, tol: options.tol });

    const weights = result.x.slice(0, rows * d);
    const intercepts = result.x.slice(rows * d);
    // Fold the centring and scaling into the weights: w·((x − μ)/s) + b = (w/s)·x + (b − Σ w μ/s).
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        weights[r * d + j] /= scale[j];
        intercepts[r] -= weights[r * d + j] * mean[j];
      }
    }
    const info: LogisticRegressionFitInfo = {
      lambda,
      loss: result.f,
      gradientMax: result.gradientMax,
      iterations: result.iterations,
      converged: result.converged,
      stop: result.stop,
    };
    return new LogisticRegression(numClasses, d, weights, intercepts, info);
  }

  /** Class probabilities, one row of numClasses per input row. */
  predictProba(X: FeatureMatrix): Float64Array[] {
    const { data, n, d } = packRows(X, 'predictProba', this.numFeatures);
    const rows = this.intercepts.length;
    const logits = new Float64Array(rows);
    const out: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < rows; r++) logits[r] = this.intercepts[r] + dotRow(this.weights, r * d, data, i * d, d);
      if (this.numClasses === 2) {
        const p = sigmoid(logits[0]);
        out.push(Float64Array.of(1 - p, p));
      } else {
        out.push(softmax(logits));
      }
    }
    return out;
  }

  /** The most probable class per row (the lower id on an exact tie). */
  predict(X: FeatureMatrix): number[] {
    return this.predictProba(X).map((p) => {
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
      return best;
    });
  }

  /** Accuracy on (X, y). */
  score(X: FeatureMatrix, y: ArrayLike<number>): number {
    const predicted = this.predict(X);
    if (predicted.length !== y.length) throw new Error(`score: ${predicted.length} rows but ${y.length} labels`);
    let correct = 0;
    for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
    return correct / y.length;
  }
}

export function fitLogisticRegression(X: FeatureMatrix, y: ArrayLike<number>, options?: LogisticRegressionOptions): LogisticRegression {
  return LogisticRegression.fit(X, y, options);
}

type Objective = (theta: Float64Array, gradient: Float64Array) => number;

/** Parameters: w (d), then b (1). Loss per row: softplus(z) − y·z with z = w·x + b. */
function binaryObjective(X: Float64Array, y: Int32Array, n: number, d: number, lambda: number, fitIntercept: boolean): Objective {
  return (theta, gradient) => {
    gradient.fill(0);
    let loss = 0;
    const b = theta[d];
    for (let i = 0; i < n; i++) {
      const z = b + dotRow(theta, 0, X, i * d, d);
      loss += softplus(z) - y[i] * z;
      const residual = (sigmoid(z) - y[i]) / n;
      for (let j = 0; j < d; j++) gradient[j] += residual * X[i * d + j];
      gradient[d] += residual;
    }
    if (!fitIntercept) gradient[d] = 0;
    return loss / n + penalty(theta, gradient, d, lambda);
  };
}

/** Parameters: W (K × d, row-major), then b (K). Loss per row: logsumexp(z) − z_y. */
function softmaxObjective(X: Float64Array, y: Int32Array, n: number, d: number, K: number, lambda: number, fitIntercept: boolean): Objective {
  const z = new Float64Array(K);
  return (theta, gradient) => {
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) z[k] = theta[K * d + k] + dotRow(theta, k * d, X, i * d, d);
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
      loss += max + Math.log(sum) - z[y[i]];
      for (let k = 0; k < K; k++) {
        const residual = (Math.exp(z[k] - max) / sum - (k === y[i] ? 1 : 0)) / n;
        for (let j = 0; j < d; j++) gradient[k * d + j] += residual * X[i * d + j];
        gradient[K * d + k] += residual;
      }
    }
    if (!fitIntercept) gradient.fill(0, K * d);
    return loss / n + penalty(theta, gradient, K * d, lambda);
  };
}

/** Adds λ·W to the gradient of the first `count` (weight) parameters; returns (λ/2)‖W‖². */
function penalty(theta: Float64Array, gradient: Float64Array, count: number, lambda: number): number {
  let squares = 0;
  for (let j = 0; j < count; j++) {
    squares += theta[j] * theta[j];
    gradient[j] += lambda * theta[j];
  }
  return 0.5 * lambda * squares;
}

function dotRow(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, length: number): number {
  let sum = 0;
  for (let j = 0; j < length; j++) sum += a[aOffset + j] * b[bOffset + j];
  return sum;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow for large z or loss of precision for very negative z. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  const out = logits.map((z) => Math.exp(z - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((p) => p / sum);
}

/** Copies rows into one row-major Float64Array, checking shape and finiteness. */
function packRows(X: FeatureMatrix, caller: string, expectedWidth?: number): { data: Float64Array; n: number; d: number } {
  const n = X.length;
  if (n === 0) throw new Error(`${caller}: X has no rows`);
  const d = expectedWidth ?? X[0].length;
  if (d === 0) throw new Error(`${caller}: rows have no features`);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = X[i];
    if (row.length !== d) {
      const expected = expectedWidth === undefined ? `as many as row 0 (${d})` : `the ${d} the model was fitted on`;
      throw new Error(`${caller}: row ${i} has ${row.length} features, expected ${expected}`);
    }
    for (let j = 0; j < d; j++) {
      const value = row[j];
      if (!Number.isFinite(value)) throw new Error(`${caller}: X[${i}][${j}] is ${value}; features must be finite numbers`);
      data[i * d + j] = value;
    }
  }
  return { data, n, d };
}

/** Checks labels are integers 0..K-1 with every class present; returns K. */
function checkLabels(y: ArrayLike<number>, n: number): number {
  if (y.length !== n) throw new Error(`fit: X has ${n} rows but y has ${y.length} labels`);
  let K = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0) throw new Error(`fit: y[${i}] is ${y[i]}; labels must be integers 0..K-1`);
    K = Math.max(K, y[i] + 1);
  }
  if (K < 2) throw new Error('fit: y has a single class; logistic regression needs at least two');
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const missing = counts.findIndex((count) => count === 0);
  // An absent class would have its intercept pushed to −∞ and the fit would never converge.
  if (missing >= 0) throw new Error(`fit: class ${missing} has no examples; labels must be 0..${K - 1} with each present`);
  return K;
}

/**
 * Centres (when `centre`) and scales to unit variance (when `scale`) each feature in place,
 * returning the shift and scale used (0 and 1 where not applied). Constant features keep
 * scale 1 so they stay finite.
 */
function centreAndScale(data: Float64Array, n: number, d: number, centre: boolean, scale: boolean): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  const std = new Float64Array(d).fill(1);
  if (centre || scale) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  }
  if (scale) {
    std.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const centred = data[i * d + j] - mean[j];
        std[j] += (centred * centred) / n;
      }
    }
    for (let j = 0; j < d; j++) std[j] = std[j] > 0 ? Math.sqrt(std[j]) : 1;
  }
  // Without an intercept, scaling alone must not shift the data (there is no b to absorb it).
  if (!centre) mean.fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (data[i * d + j] - mean[j]) / std[j];
  return { mean, scale: std };
}
