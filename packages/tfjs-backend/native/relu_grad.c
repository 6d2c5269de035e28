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
