// The logistic sigmoid kernel (sigmoid.h has the function and its accuracy).
#include "sigmoid.h"

// Four vectors at a time: one sigmoid is a chain of some 20 dependent operations.
EXPORT("sigmoid")
void sigmoid(const float* x, float* y, int n) {
  const SigmoidConstants k = sigmoid_constants();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v[4];
    for (int j = 0; j < 4; j++) v[j] = sigmoid4(wasm_v128_load(x + i + 4 * j), &k);
    for (int j = 0; j < 4; j++) wasm_v128_store(y + i + 4 * j, v[j]);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, sigmoid4(wasm_v128_load(x + i), &k));
  if (i < n) store_tail4(y + i, sigmoid4(tail4(x + i, n - i), &k), n - i);
}
