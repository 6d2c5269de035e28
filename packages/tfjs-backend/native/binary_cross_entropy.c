// Binary cross-entropy summed over every value, and its gradient (see shared/binary-cross-entropy.ts for
// the definition both follow): pc = p clipped to [lo, hi], loss -(y log pc + (1 - y) log(1 - pc)).
#include "log.h"

INLINE v128_t clip(v128_t q, v128_t lo, v128_t hi) {
  // Comparisons keep a NaN (both are false for it), as the JavaScript version does.
  q = wasm_v128_bitselect(lo, q, wasm_f32x4_lt(q, lo));
  return wasm_v128_bitselect(hi, q, wasm_f32x4_gt(q, hi));
}

// The sum in float64 (two lanes per accumulator) so that it does not depend on the value count.
EXPORT("binary_cross_entropy_sum")
double binary_cross_entropy_sum(const float* p, const float* y, int n, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo);
  const v128_t vhi = wasm_f32x4_splat(hi);
  const v128_t one = wasm_f32x4_splat(1.0f);
  v128_t acc = wasm_f64x2_splat(0.0);
  v128_t nan = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t q = clip(wasm_v128_load(p + i), vlo, vhi);
    const v128_t t = wasm_v128_load(y + i);
    // log4 needs positive finite arguments: a NaN lane is computed on 0.5 and made NaN again below.
    const v128_t isNan = wasm_f32x4_ne(q, q);
    const v128_t qs = wasm_v128_bitselect(wasm_f32x4_splat(0.5f), q, isNan);
    const v128_t l = wasm_f32x4_add(wasm_f32x4_mul(t, log4(qs)),
                                    wasm_f32x4_mul(wasm_f32x4_sub(one, t), log4(wasm_f32x4_sub(one, qs))));
    acc = wasm_f64x2_add(acc, wasm_f64x2_promote_low_f32x4(l));
    acc = wasm_f64x2_add(acc, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(l, l, 2, 3, 0, 1)));
    nan = wasm_f32x4_add(nan, wasm_f32x4_sub(q, q));
  }
  double sum = wasm_f64x2_extract_lane(acc, 0) + wasm_f64x2_extract_lane(acc, 1);
  sum += (double)(wasm_f32x4_extract_lane(nan, 0) + wasm_f32x4_extract_lane(nan, 1) +
                  wasm_f32x4_extract_lane(nan, 2) + wasm_f32x4_extract_lane(nan, 3));
  for (; i < n; i++) {
    // The last 1-3 values, one at a time.
    float q = p[i];
    q = q < lo ? lo : q > hi ? hi : q;
    if (q != q) {
      sum += (double)q;
      continue;
    }
    const float t = y[i];
    const v128_t l = log4(wasm_f32x4_make(q, 1.0f - q, 1.0f, 1.0f));
    sum += (double)(t * wasm_f32x4_extract_lane(l, 0) + (1.0f - t) * wasm_f32x4_extract_lane(l, 1));
  }
  return -sum;
}

// dp = scale (pc - y) / (pc (1 - pc)) where lo <= p <= hi, else 0 (the clip's gradient).
EXPORT("binary_cross_entropy_grad")
void binary_cross_entropy_grad(const float* p, const float* y, float* dp, int n, float scale, float lo,
                               float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo);
  const v128_t vhi = wasm_f32x4_splat(hi);
  const v128_t vs = wasm_f32x4_splat(scale);
  const v128_t one = wasm_f32x4_splat(1.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t q = wasm_v128_load(p + i);
    const v128_t inside = wasm_v128_and(wasm_f32x4_ge(q, vlo), wasm_f32x4_le(q, vhi));
    const v128_t g = wasm_f32x4_div(wasm_f32x4_mul(vs, wasm_f32x4_sub(q, wasm_v128_load(y + i))),
                                    wasm_f32x4_mul(q, wasm_f32x4_sub(one, q)));
    wasm_v128_store(dp + i, wasm_v128_and(g, inside));
  }
  for (; i < n; i++) {
    const float q = p[i];
    dp[i] = q >= lo && q <= hi ? scale * (q - y[i]) / (q * (1.0f - q)) : 0.0f;
  }
}
