// Shared by aekit's WebAssembly SIMD kernels: no libc, no shadow stack, no data segment (see
// conv2d_backprop_filter.c), and the tfjs wasm backend's memory imported as env.memory.
#pragma once
#include <wasm_simd128.h>

#define INLINE static inline __attribute__((always_inline))
#define EXPORT(name) __attribute__((export_name(name)))

INLINE void zero(float* p, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(p + i, wasm_f32x4_splat(0.0f));
  for (; i < n; i++) p[i] = 0.0f;
}
