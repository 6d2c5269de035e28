// Shared by aekit's WebAssembly SIMD kernels: no libc, no shadow stack, no data segment (see
// conv2d_backprop_filter.c), and the tfjs wasm backend's memory imported as env.memory.
#pragma once
#include <wasm_simd128.h>

#define INLINE static inline __attribute__((always_inline))
#define EXPORT(name) __attribute__((export_name(name)))

// v unchanged, but opaque to the compiler: a constant it cannot fold back into its uses.
INLINE v128_t opaque4(v128_t v) {
  __asm__("" : "+r"(v));
  return v;
}

// a * b + c. In the relaxed-SIMD build (-mrelaxed-simd, for runtimes that validate it) one f32x4.relaxed_madd,
// which the runtime compiles to a fused multiply-add where the CPU has one (rounded once: results differ from
// the plain build's in the last bit); elsewhere a multiply and an add.
INLINE v128_t madd4(v128_t a, v128_t b, v128_t c) {
#ifdef __wasm_relaxed_simd__
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}

INLINE void zero(float* p, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(p + i, wasm_f32x4_splat(0.0f));
  for (; i < n; i++) p[i] = 0.0f;
}

// The last r = n % 4 values (1 <= r <= 3) as one vector padded with zeros, and the first r lanes of v
// stored back.
INLINE v128_t tail4(const float* p, int r) {
  return wasm_f32x4_make(p[0], r > 1 ? p[1] : 0.0f, r > 2 ? p[2] : 0.0f, 0.0f);
}

INLINE void store_tail4(float* p, v128_t v, int r) {
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (r > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (r > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

// The taps k in [0, n) whose position start + k * step (step > 0) lies inside [0, limit): k in [*lo, *hi),
// empty when *lo >= *hi. A window's rows or columns inside the input, or the outputs a filter tap reaches.
INLINE void taps(int start, int step, int n, int limit, int* lo, int* hi) {
  const int h = start >= limit ? 0 : (limit - 1 - start) / step + 1;
  *lo = start < 0 ? (-start + step - 1) / step : 0;
  *hi = h < n ? h : n;
}
