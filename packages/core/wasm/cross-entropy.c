/*
 * Softmax cross-entropy against integer labels, and its gradient, one row at a time: a language
 * model's loss over its whole vocabulary. Composed from tfjs-wasm's stock ops the loss and its
 * gradient were about twenty passes over [rows × classes] (and tfjs filled a ones tensor of that
 * size in JavaScript); here the forward reads each row twice and the backward three times, while
 * the row is in cache. Labels arrive as floats (tfjs-wasm hands every input over as one buffer
 * type here); a label outside 0..n−1 (PyTorch's ignore_index) gives loss 0 and no gradient.
 */
#include "approx.h"

/*
 * log Σ exp(row), as max + log Σ exp(row − max). Returned, not written through pointers: the module
 * has no stack of its own to spare (runWasmKernel places the tensors from the start of memory).
 */
static inline float log_sum_exp(const float *row, int n) {
  float max = row[0];
  for (int i = 1; i < n; i++) max = row[i] > max ? row[i] : max;
  float sum = 0.0f;
  for (int i = 0; i < n; i++) sum += exp_approx(row[i] - max);
  return max + log_approx(sum);
}

/* loss[r] = log Σ exp(x[r]) − x[r, label[r]], rows × n. */
EXPORT(softmax_cross_entropy)
void softmax_cross_entropy(const float *x, const float *labels, float *loss, int rows, int n) {
  for (int r = 0; r < rows; r++) {
    int label = (int)labels[r];
    if (label < 0 || label >= n) {
      loss[r] = 0.0f;
      continue;
    }
    const float *row = x + (long)r * n;
    loss[r] = log_sum_exp(row, n) - row[label];
  }
}

/* dx[r] = (softmax(x[r]) − onehot(label[r])) · dy[r]. */
EXPORT(softmax_cross_entropy_backward)
void softmax_cross_entropy_backward(const float *dy, const float *x, const float *labels, float *dx, int rows, int n) {
  for (int r = 0; r < rows; r++) {
    const float *row = x + (long)r * n;
    float *out = dx + (long)r * n;
    int label = (int)labels[r];
    if (label < 0 || label >= n) {
      for (int i = 0; i < n; i++) out[i] = 0.0f;
      continue;
    }
    float shift = log_sum_exp(row, n), g = dy[r];
    for (int i = 0; i < n; i++) out[i] = exp_approx(row[i] - shift) * g;
    out[label] -= g;
  }
}
