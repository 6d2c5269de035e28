// Gradient of ReLU: dx = dy where x > 0, else 0 (tfjs composes it from Step, Cast and Multiply).
#include "common.h"

EXPORT("relu_grad")
void relu_grad(const float* dy, const float* x, float* dx, int n) {
  const v128_t zeros = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(x + i), zeros)));
  for (; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

// The same in tasks of `chunk` values (a multiple of 4), which every thread calling this takes from `*next`.
EXPORT("relu_grad_tasks")
void relu_grad_tasks(const float* dy, const float* x, float* dx, int n, int* next, int chunk) {
  const int tasks = (n + chunk - 1) / chunk;
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (t >= tasks) return;
    const int i = t * chunk;
    relu_grad(dy + i, x + i, dx + i, n - i < chunk ? n - i : chunk);
  }
}
