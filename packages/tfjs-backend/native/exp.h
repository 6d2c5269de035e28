#pragma once
#include "common.h"

// The constants of exp4_fast, as values the compiler cannot fold back into their uses: V8 rebuilds every
// v128.const where it is used (three instructions each, inside the loop), so a loop takes them from
// exp4_fast_constants() once and holds them in registers.
typedef struct {
  v128_t log2e, magic, one, c1, c2, c3, c4, c5;
} Exp4FastConstants;

INLINE Exp4FastConstants exp4_fast_constants(void) {
  return (Exp4FastConstants){
      opaque4(wasm_f32x4_splat(1.44269504088896341f)), opaque4(wasm_f32x4_splat(12582912.0f)),
      opaque4(wasm_f32x4_splat(1.0f)),                 opaque4(wasm_f32x4_splat(0.6931470036506653f)),
      opaque4(wasm_f32x4_splat(0.24022242426872253f)), opaque4(wasm_f32x4_splat(0.05550733581185341f)),
      opaque4(wasm_f32x4_splat(0.009671512991189957f)), opaque4(wasm_f32x4_splat(0.001326472731307149f)),
  };
}

// e^x of four floats -87 <= x <= 88 (the caller clamps; NaN stays NaN) as 2^y, y = x log2e = n + f with n
// an integer and |f| <= 1/2: 2^f by a degree-5 minimax polynomial 1 + f (c1 + c2 f + ... + c5 f^4)
// (relative error 1.1e-7; exactly 1 at 0), times 2^n through the exponent bits. The rounding of x log2e adds
// a relative error of about |x| 4e-8. The polynomial's steps are madd4s: fused in the relaxed-SIMD build,
// which made the cross-entropy 0.71x and the sigmoid 0.83x as long.
INLINE v128_t exp4_fast(v128_t x, const Exp4FastConstants* k) {
  const v128_t y = wasm_f32x4_mul(x, k->log2e);
  // Adding 1.5 * 2^23 rounds y to an integer n and leaves n in the low mantissa bits.
  const v128_t shifted = wasm_f32x4_add(y, k->magic);
  const v128_t f = wasm_f32x4_sub(y, wasm_f32x4_sub(shifted, k->magic));
  v128_t p = madd4(k->c5, f, k->c4);
  p = madd4(p, f, k->c3);
  p = madd4(p, f, k->c2);
  p = madd4(p, f, k->c1);
  p = madd4(p, f, k->one);
  return wasm_i32x4_add(p, wasm_i32x4_shl(shifted, 23));
}
