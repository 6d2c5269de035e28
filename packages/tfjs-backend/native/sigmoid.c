// Logistic sigmoid, 1 / (1 + e^-x), from e = e^-|x| <= 1 so that no exponential overflows: 1 / (1 + e) for
// x >= 0, e / (1 + e) for x < 0 (which keeps the relative precision of small results). Exactly 0.5 at 0 and
// 1 from about x = 16.6 on; e is 0 below -87, where exp4_nonpositive_fast stops (the true value is below
// 1.7e-38 there), so the result is exactly 0 or 1 for |x| > 87 and infinities; NaN stays NaN. Absolute
// error about 1e-7.
#include "exp.h"

typedef struct {
  Exp4FastConstants exp;
  v128_t sign, one, cutoff;
} SigmoidConstants;

INLINE v128_t sigmoid4(v128_t x, const SigmoidConstants* k) {
  const v128_t z = wasm_v128_or(x, k->sign);  // -|x|
  const v128_t e = wasm_v128_andnot(exp4_nonpositive_fast(z, &k->exp), wasm_f32x4_lt(z, k->cutoff));
  const v128_t numerator = wasm_v128_bitselect(e, k->one, wasm_i32x4_shr(x, 31));  // x < 0: e, else 1
  return wasm_f32x4_div(numerator, wasm_f32x4_add(k->one, e));
}

// Four vectors at a time: one sigmoid is a chain of some 20 dependent operations.
EXPORT("sigmoid")
void sigmoid(const float* x, float* y, int n) {
  const SigmoidConstants k = {exp4_fast_constants(), opaque4(wasm_i32x4_splat((int)0x80000000)),
                              opaque4(wasm_f32x4_splat(1.0f)), opaque4(wasm_f32x4_splat(-87.0f))};
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v[4];
    for (int j = 0; j < 4; j++) v[j] = sigmoid4(wasm_v128_load(x + i + 4 * j), &k);
    for (int j = 0; j < 4; j++) wasm_v128_store(y + i + 4 * j, v[j]);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, sigmoid4(wasm_v128_load(x + i), &k));
  if (i < n) store_tail4(y + i, sigmoid4(tail4(x + i, n - i), &k), n - i);
}
