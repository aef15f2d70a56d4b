/* Shared by the kernels: the export attribute and float approximations (no libc here). */
#define EXPORT(name) __attribute__((export_name(#name)))

/* exp(x), |relative error| < 2e-7, for x in the float range (2^n · e^r with |r| <= ln2/2). */
static inline float exp_approx(float x) {
  if (x < -87.0f) return 0.0f;
  if (x > 88.0f) x = 88.0f;
  const float log2e = 1.44269504088896341f, ln2_hi = 0.693145751953125f, ln2_lo = 1.42860682030941723212e-6f;
  float n = __builtin_nearbyintf(x * log2e);
  float r = (x - n * ln2_hi) - n * ln2_lo;
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
  union { float f; int i; } scale = { .i = ((int)n + 127) << 23 };
  return p * scale.f;
}

/* log(x) for x > 0, |error| < 1e-7: x = m · 2^e with m in [√½, √2), log m = 2 atanh((m−1)/(m+1)). */
static inline float log_approx(float x) {
  union { float f; int i; } bits = { .f = x };
  int e = ((bits.i >> 23) & 0xff) - 127;
  bits.i = (bits.i & 0x007fffff) | 0x3f800000; /* m in [1, 2) */
  float m = bits.f;
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  float atanh = s * (1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9)))));
  return 2.0f * atanh + (float)e * 0.693147180559945309f;
}
