// Natural logarithm of four positive, finite floats (Cephes' logf: frexp, then a degree-9 polynomial on
// [sqrt(1/2) - 1, sqrt(2) - 1]; relative error about 1e-7). No libm here, so it lives with the kernels. The
// polynomial's steps are madd4s (fused in the relaxed-SIMD build); the two-part ln 2 sums stay unfused.
#pragma once
#include "common.h"

INLINE v128_t log4(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(126));
  v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x807fffff)), wasm_i32x4_splat(0x3f000000));
  // m in [0.5, 1): below sqrt(1/2) use 2m with exponent e - 1, so that the argument is near 1.
  const v128_t small = wasm_f32x4_lt(m, wasm_f32x4_splat(0.707106781186547524f));
  e = wasm_i32x4_add(e, small);
  v128_t z = wasm_f32x4_sub(m, one);
  z = wasm_f32x4_add(z, wasm_v128_and(m, small));
  const v128_t ef = wasm_f32x4_convert_i32x4(e);
  const v128_t z2 = wasm_f32x4_mul(z, z);
  v128_t y = wasm_f32x4_splat(7.0376836292e-2f);
  y = madd4(y, z, wasm_f32x4_splat(-1.1514610310e-1f));
  y = madd4(y, z, wasm_f32x4_splat(1.1676998740e-1f));
  y = madd4(y, z, wasm_f32x4_splat(-1.2420140846e-1f));
  y = madd4(y, z, wasm_f32x4_splat(1.4249322787e-1f));
  y = madd4(y, z, wasm_f32x4_splat(-1.6668057665e-1f));
  y = madd4(y, z, wasm_f32x4_splat(2.0000714765e-1f));
  y = madd4(y, z, wasm_f32x4_splat(-2.4999993993e-1f));
  y = madd4(y, z, wasm_f32x4_splat(3.3333331174e-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, z), z2);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(ef, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z2, wasm_f32x4_splat(0.5f)));
  z = wasm_f32x4_add(z, y);
  return wasm_f32x4_add(z, wasm_f32x4_mul(ef, wasm_f32x4_splat(0.693359375f)));
}
