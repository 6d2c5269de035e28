// e^x of four floats x <= 0 (Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2, a degree-6 polynomial for
// e^r, then 2^n through the exponent bits; relative error about 2e-7). Arguments below -87 give e^-87
// (zero to float32 precision next to 1); NaN stays NaN.
#pragma once
#include "common.h"

INLINE v128_t exp4_nonpositive(v128_t x) {
  x = wasm_f32x4_pmax(x, wasm_f32x4_splat(-87.0f));
  // Rounds x / ln2 to an integer n: adding 1.5 * 2^23 leaves n in the low mantissa bits.
  const v128_t magic = wasm_f32x4_splat(12582912.0f);
  const v128_t shifted = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), magic);
  const v128_t n = wasm_f32x4_sub(shifted, magic);
  // r = x - n ln2, with ln2 split in two so that n * (high part) is exact.
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, wasm_f32x4_splat(1.0f)));
  // Times 2^n: the low bits of `shifted` (n, two's complement) moved into the exponent field.
  return wasm_i32x4_add(p, wasm_i32x4_shl(shifted, 23));
}
