// Logistic sigmoid, 1 / (1 + e^-x), with -x clamped to [-87, 88] so that e^-x neither overflows nor leaves
// the range of exp4_fast: relative error about 1e-7 on both sides (a large e^-x keeps 1 / (1 + e^-x)
// relatively exact, where 1 - sigmoid(-x) would not). Exactly 0.5 at 0, exactly 1 from x = 17 on (and +inf),
// sigmoid(-88) = 6.1e-39 from x = -88 down to -inf; NaN stays NaN.
#pragma once
#include "exp.h"

typedef struct {
  Exp4FastConstants exp;
  v128_t sign, lo, hi;
} SigmoidConstants;

INLINE SigmoidConstants sigmoid_constants(void) {
  return (SigmoidConstants){exp4_fast_constants(), opaque4(wasm_i32x4_splat((int)0x80000000)),
                            opaque4(wasm_f32x4_splat(-87.0f)), opaque4(wasm_f32x4_splat(88.0f))};
}

INLINE v128_t sigmoid4(v128_t x, const SigmoidConstants* k) {
  // pmax / pmin return their first operand when it is NaN.
  const v128_t minus_x = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_v128_xor(x, k->sign), k->lo), k->hi);
  return wasm_f32x4_div(k->exp.one, wasm_f32x4_add(k->exp.one, exp4_fast(minus_x, &k->exp)));
}

