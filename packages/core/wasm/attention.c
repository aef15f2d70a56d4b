/*
 * Scaled dot-product attention for tfjs' wasm backend, forward and backward, one (batch, head)
 * at a time: softmax(q·kᵀ·scale + mask bias)·v without materialising the [batch, heads, seq, seq]
 * scores between kernels. tfjs-wasm runs batched matmuls through a naive loop (about 0.7 GFLOP/s
 * here against 10 for its XNNPACK dense path), which made attention half of a small BERT's time.
 *
 * Layouts (row-major float32): q [B, H, Sq, D], k and v [B, H, Sk, D], keep mask [B, Sk] (1 real,
 * 0 padding; a padded key scores -1e9, as core's composed path does), probs [B, H, Sq, Sk].
 * Build: packages/core/scripts/build-wasm.mjs (clang --target=wasm32 -msimd128, no libc).
 */
#include "approx.h"

static const float MASKED_SCORE = -1e9f;

static inline float dot(const float *a, const float *b, int d) {
  float s = 0.0f;
  for (int i = 0; i < d; i++) s += a[i] * b[i];
  return s;
}

static inline void axpy(float alpha, const float *x, float *y, int d) {
  for (int i = 0; i < d; i++) y[i] += alpha * x[i];
}

/* One query row's probabilities over the keys into p[Sk]. */
static void probs_row(const float *qi, const float *k, const float *bias, float *p, int sk, int d, float scale) {
  float max = -3.4e38f;
  for (int j = 0; j < sk; j++) {
    float s = dot(qi, k + (long)j * d, d) * scale + bias[j];
    p[j] = s;
    if (s > max) max = s;
  }
  float sum = 0.0f;
  for (int j = 0; j < sk; j++) {
    p[j] = exp_approx(p[j] - max);
    sum += p[j];
  }
  float inv = 1.0f / sum;
  for (int j = 0; j < sk; j++) p[j] *= inv;
}

static void mask_bias(const float *mask_row, float *bias, int sk) {
  for (int j = 0; j < sk; j++) bias[j] = (1.0f - mask_row[j]) * MASKED_SCORE;
}

/* scratch: 2·Sk floats. probs may be 0 (not wanted). */
EXPORT(attention_forward)
void attention_forward(const float *q, const float *k, const float *v, const float *mask, float *out, float *probs,
                       float *scratch, int batch, int heads, int sq, int sk, int d, float scale) {
  float *bias = scratch, *p = scratch + sk;
  for (int b = 0; b < batch; b++) {
    mask_bias(mask + (long)b * sk, bias, sk);
    for (int h = 0; h < heads; h++) {
      long bh = (long)b * heads + h;
      const float *qb = q + bh * sq * d, *kb = k + bh * sk * d, *vb = v + bh * sk * d;
      float *ob = out + bh * sq * d;
      for (int i = 0; i < sq; i++) {
        float *pi = probs ? probs + (bh * sq + i) * sk : p;
        probs_row(qb + (long)i * d, kb, bias, pi, sk, d, scale);
        float *oi = ob + (long)i * d;
        for (int c = 0; c < d; c++) oi[c] = 0.0f;
        for (int j = 0; j < sk; j++) axpy(pi[j], vb + (long)j * d, oi, d);
      }
    }
  }
}

/*
 * Gradients with P recomputed row by row: dP = dC·vᵀ (+ dProbs), dS = P ⊙ (dP − rowsum(dP ⊙ P)),
 * dq = dS·k·scale, dk = dSᵀ·q·scale, dv = Pᵀ·dC. dprobs may be 0. dq, dk, dv are overwritten.
 * scratch: 3·Sk floats.
 */
EXPORT(attention_backward)
void attention_backward(const float *q, const float *k, const float *v, const float *mask, const float *dctx,
                        const float *dprobs, float *dq, float *dk, float *dv, float *scratch, int batch, int heads,
                        int sq, int sk, int d, float scale) {
  float *bias = scratch, *p = scratch + sk, *dp = scratch + 2 * sk;
  for (long i = 0; i < (long)batch * heads * sk * d; i++) dk[i] = dv[i] = 0.0f;
  for (int b = 0; b < batch; b++) {
    mask_bias(mask + (long)b * sk, bias, sk);
    for (int h = 0; h < heads; h++) {
      long bh = (long)b * heads + h;
      const float *qb = q + bh * sq * d, *kb = k + bh * sk * d, *vb = v + bh * sk * d, *db = dctx + bh * sq * d;
      float *dqb = dq + bh * sq * d, *dkb = dk + bh * sk * d, *dvb = dv + bh * sk * d;
      for (int i = 0; i < sq; i++) {
        const float *qi = qb + (long)i * d, *di = db + (long)i * d;
        probs_row(qi, kb, bias, p, sk, d, scale);
        float weighted = 0.0f;
        for (int j = 0; j < sk; j++) {
          dp[j] = dot(di, vb + (long)j * d, d) + (dprobs ? dprobs[(bh * sq + i) * sk + j] : 0.0f);
          weighted += dp[j] * p[j];
        }
        float *dqi = dqb + (long)i * d;
        for (int c = 0; c < d; c++) dqi[c] = 0.0f;
        for (int j = 0; j < sk; j++) {
          float ds = p[j] * (dp[j] - weighted) * scale;
          axpy(ds, kb + (long)j * d, dqi, d);
          axpy(ds, qi, dkb + (long)j * d, d);
          axpy(p[j], di, dvb + (long)j * d, d);
        }
      }
    }
  }
}
