/*
 * The small kernels around BERT's matmuls for tfjs' wasm backend: bias + GELU, (add &) LayerNorm,
 * their gradients, a 2-D transpose and column sums. Composed from tfjs-wasm's stock ops each of
 * these is 5–15 passes over the tensor (and its Transpose and axis-0 Sum are slow), which made
 * them a third of a training step; here each is one or two passes.
 * Row-major float32; `rows` × `n` means a tensor whose last axis has n elements.
 */
#include "approx.h"

/* erf(x) by Abramowitz & Stegun 7.1.26, |error| < 1.5e-7. */
static inline float erf_approx(float x) {
  float sign = x < 0 ? -1.0f : 1.0f;
  float a = x < 0 ? -x : x;
  float t = 1.0f / (1.0f + 0.3275911f * a);
  float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp_approx(-a * a);
  return sign * y;
}

static inline float tanh_approx(float x) {
  if (x > 9.0f) return 1.0f;
  if (x < -9.0f) return -1.0f;
  float e = exp_approx(2.0f * x);
  return (e - 1.0f) / (e + 1.0f);
}

static const float SQRT1_2 = 0.70710678118654752f, INV_SQRT_2PI = 0.39894228040143268f;
static const float SQRT_2_OVER_PI = 0.79788456080286536f, GELU_TANH_C = 0.044715f;

/* approximate: 0 = erf (BERT's gelu), 1 = tanh (gelu_new). */
static inline float gelu(float u, int approximate) {
  if (approximate) return 0.5f * u * (1.0f + tanh_approx(SQRT_2_OVER_PI * (u + GELU_TANH_C * u * u * u)));
  return 0.5f * u * (1.0f + erf_approx(u * SQRT1_2));
}

static inline float gelu_derivative(float u, int approximate) {
  if (approximate) {
    float t = tanh_approx(SQRT_2_OVER_PI * (u + GELU_TANH_C * u * u * u));
    float inner = SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_TANH_C * u * u);
    return 0.5f * (1.0f + t) + 0.5f * u * (1.0f - t * t) * inner;
  }
  float cdf = 0.5f * (1.0f + erf_approx(u * SQRT1_2));
  return cdf + u * INV_SQRT_2PI * exp_approx(-0.5f * u * u);
}

EXPORT(bias_gelu)
void bias_gelu(const float *x, const float *bias, float *y, int rows, int n, int approximate) {
  for (long r = 0; r < rows; r++)
    for (int c = 0; c < n; c++) y[r * n + c] = gelu(x[r * n + c] + bias[c], approximate);
}

/* dx = dy · gelu'(x + bias); dbias = column sums of dx. */
EXPORT(bias_gelu_backward)
void bias_gelu_backward(const float *dy, const float *x, const float *bias, float *dx, float *dbias, int rows, int n,
                        int approximate) {
  for (int c = 0; c < n; c++) dbias[c] = 0.0f;
  for (long r = 0; r < rows; r++)
    for (int c = 0; c < n; c++) {
      float g = dy[r * n + c] * gelu_derivative(x[r * n + c] + bias[c], approximate);
      dx[r * n + c] = g;
      dbias[c] += g;
    }
}

/* y = LN(x + residual) · gamma + beta over the last axis; residual may be 0. */
EXPORT(layer_norm)
void layer_norm(const float *x, const float *residual, const float *gamma, const float *beta, float *y, int rows, int n,
                float epsilon) {
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * n, *rr = residual ? residual + r * n : 0;
    float *yr = y + r * n;
    float mean = 0.0f;
    for (int c = 0; c < n; c++) {
      yr[c] = rr ? xr[c] + rr[c] : xr[c];
      mean += yr[c];
    }
    mean /= n;
    float variance = 0.0f;
    for (int c = 0; c < n; c++) variance += (yr[c] - mean) * (yr[c] - mean);
    variance /= n;
    float inv_std = 1.0f / __builtin_sqrtf(variance + epsilon);
    for (int c = 0; c < n; c++) yr[c] = (yr[c] - mean) * inv_std * gamma[c] + beta[c];
  }
}

/*
 * Gradients of y = LN(z)·gamma + beta, z = x + residual (residual may be 0):
 * dz = invStd / n · (n·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂)) with dx̂ = dy·gamma; dgamma = Σ dy·x̂; dbeta = Σ dy.
 */
EXPORT(layer_norm_backward)
void layer_norm_backward(const float *dy, const float *x, const float *residual, const float *gamma, float *dz,
                         float *dgamma, float *dbeta, int rows, int n, float epsilon) {
  for (int c = 0; c < n; c++) dgamma[c] = dbeta[c] = 0.0f;
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * n, *rr = residual ? residual + r * n : 0, *dyr = dy + r * n;
    float *dzr = dz + r * n;
    float mean = 0.0f;
    for (int c = 0; c < n; c++) mean += rr ? xr[c] + rr[c] : xr[c];
    mean /= n;
    float variance = 0.0f;
    for (int c = 0; c < n; c++) {
      float z = (rr ? xr[c] + rr[c] : xr[c]) - mean;
      variance += z * z;
    }
    variance /= n;
    float inv_std = 1.0f / __builtin_sqrtf(variance + epsilon);
    float sum_dxhat = 0.0f, sum_dxhat_xhat = 0.0f;
    for (int c = 0; c < n; c++) {
      float xhat = ((rr ? xr[c] + rr[c] : xr[c]) - mean) * inv_std;
      float dxhat = dyr[c] * gamma[c];
      sum_dxhat += dxhat;
      sum_dxhat_xhat += dxhat * xhat;
      dgamma[c] += dyr[c] * xhat;
      dbeta[c] += dyr[c];
      dzr[c] = xhat; /* kept for the second pass */
    }
    for (int c = 0; c < n; c++) {
      float xhat = dzr[c];
      dzr[c] = inv_std / n * (n * dyr[c] * gamma[c] - sum_dxhat - xhat * sum_dxhat_xhat);
    }
  }
}

/* y[n, rows] = x[rows, n]ᵀ, in 32 × 32 blocks so that both sides stay in cache. */
EXPORT(transpose_2d)
void transpose_2d(const float *x, float *y, int rows, int n) {
  const int block = 32;
  for (int r0 = 0; r0 < rows; r0 += block)
    for (int c0 = 0; c0 < n; c0 += block) {
      int r1 = r0 + block < rows ? r0 + block : rows, c1 = c0 + block < n ? c0 + block : n;
      for (int r = r0; r < r1; r++)
        for (int c = c0; c < c1; c++) y[(long)c * rows + r] = x[(long)r * n + c];
    }
}

EXPORT(column_sum)
void column_sum(const float *x, float *y, int rows, int n) {
  for (int c = 0; c < n; c++) y[c] = 0.0f;
  for (long r = 0; r < rows; r++)
    for (int c = 0; c < n; c++) y[c] += x[r * n + c];
}
