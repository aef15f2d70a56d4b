/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4–7.5) with a
 * backtracking Armijo line search, for smooth unconstrained minimisation in plain Float64Array
 * arithmetic. Deterministic: the same objective and start give the same iterates, bit for bit,
 * which matters because fitted probes end up in reproducible notebook outputs.
 *
 * Backtracking (instead of a strong-Wolfe search) is enough for the convex objectives this is
 * used for: convexity alone makes every curvature pair satisfy sᵀy ≥ 0, and pairs with sᵀy ≈ 0
 * are skipped, so the inverse-Hessian estimate stays positive definite.
 */

/** Returns f(x) and writes ∇f(x) into `gradient`. */
export type LbfgsObjective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Iteration cap (each iteration is one line search); default 1000. */
  maxIter?: number;
  /** Converged when max |∇f| ≤ tol; default 1e-6. */
  tol?: number;
  /**
   * Also stop when an iteration lowers f by less than ftol·max(|f|, 1): progress has reached
   * rounding level and more iterations would only spin. Default 1e-15.
   */
  ftol?: number;
  /** Curvature pairs kept; default 10. */
  memory?: number;
}

export type LbfgsStop = 'gradient' | 'function' | 'maxIter' | 'lineSearch';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** max |∇f(x)| at the returned point. */
  gradientMax: number;
  iterations: number;
  /** LbfgsObjective evaluations, line-search trials included. */
  evaluations: number;
  /** True when the gradient test passed. */
  converged: boolean;
  stop: LbfgsStop;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;

export function minimizeLbfgs(objective: LbfgsObjective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-6;
  const ftol = options.ftol ?? 1e-15;
  const memory = options.memory ?? 10;
  const n = x0.length;

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) throw new Error(`L-BFGS: the objective is ${f} at the starting point`);

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);

  let iterations = 0;
  let stop: LbfgsStop = 'maxIter';
  for (;;) {
    if (maxAbs(g) <= tol) {
      stop = 'gradient';
      break;
    }
    if (iterations >= maxIter) break;
    iterations++;

    // Two-loop recursion: direction = -H·g with H the L-BFGS inverse-Hessian estimate.
    direction.set(g);
    for (let k = sHistory.length - 1; k >= 0; k--) {
      alpha[k] = rhoHistory[k] * dot(sHistory[k], direction);
      axpy(-alpha[k], yHistory[k], direction);
    }
    if (sHistory.length > 0) {
      // Initial scaling γ = sᵀy / yᵀy of the newest pair (N&W eq. 7.20).
      const last = sHistory.length - 1;
      scale(dot(sHistory[last], yHistory[last]) / dot(yHistory[last], yHistory[last]), direction);
    }
    for (let k = 0; k < sHistory.length; k++) {
      const beta = rhoHistory[k] * dot(yHistory[k], direction);
      axpy(alpha[k] - beta, sHistory[k], direction);
    }
    scale(-1, direction);

    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Not a descent direction (only possible through rounding): restart from steepest descent.
      sHistory.length = yHistory.length = rhoHistory.length = 0;
      direction.set(g);
      scale(-1, direction);
      slope = -dot(g, g);
    }
    // The first step has no curvature information to scale it; keep it to a unit move.
    let step = sHistory.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;

    let fNew = NaN;
    let accepted = false;
    for (let trial = 0; trial < MAX_BACKTRACKS; trial++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * direction[i];
      fNew = objective(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      // Minimiser of the quadratic through f, the slope and fNew, kept within [0.1, 0.5]·step.
      const quadratic = Number.isFinite(fNew) ? (-slope * step * step) / (2 * (fNew - f - slope * step)) : 0.5 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, quadratic));
    }
    if (!accepted) {
      stop = 'lineSearch';
      break;
    }

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }

    const decrease = f - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (decrease <= ftol * Math.max(Math.abs(f), 1) && maxAbs(g) > tol) {
      stop = 'function';
      break;
    }
  }
  const gradientMax = maxAbs(g);
  return { x, f, gradientMax, iterations, evaluations, converged: gradientMax <= tol, stop };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function scale(a: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

function maxAbs(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]));
  return max;
}
