// One Adam step of one parameter (see shared/adam.ts for the definition both follow), in float32:
// m' = b1 m + (1 - b1) g, v' = b2 v + (1 - b2) g^2, param' = param - lr (m' / c1) / (sqrt(v' / c2) + eps).
#include "common.h"

EXPORT("adam_update")
void adam_update(const float* param, const float* m, const float* v, const float* g, float* paramOut,
                 float* mOut, float* vOut, int n, float lr, float beta1, float beta2, float epsilon, float c1,
                 float c2) {
  const v128_t b1 = wasm_f32x4_splat(beta1), nb1 = wasm_f32x4_splat(1.0f - beta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), nb2 = wasm_f32x4_splat(1.0f - beta2);
  const v128_t rate = wasm_f32x4_splat(lr / c1), inv2 = wasm_f32x4_splat(1.0f / c2);
  const v128_t eps = wasm_f32x4_splat(epsilon);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m + i)), wasm_f32x4_mul(nb1, gi));
    const v128_t vi =
        wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v + i)), wasm_f32x4_mul(nb2, wasm_f32x4_mul(gi, gi)));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(rate, mi),
                                       wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_mul(vi, inv2)), eps));
    wasm_v128_store(mOut + i, mi);
    wasm_v128_store(vOut + i, vi);
    wasm_v128_store(paramOut + i, wasm_f32x4_sub(wasm_v128_load(param + i), step));
  }
  for (; i < n; i++) {
    const float gi = g[i];
    const float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    const float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    paramOut[i] = param[i] - (lr / c1) * mi / (__builtin_sqrtf(vi / c2) + epsilon);
  }
}

// The same update cut into tasks of `chunk` values (a multiple of 4), which every thread calling this takes
// from `*next` until none is left.
EXPORT("adam_update_tasks")
void adam_update_tasks(const float* param, const float* m, const float* v, const float* g, float* paramOut,
                       float* mOut, float* vOut, int n, float lr, float beta1, float beta2, float epsilon, float c1,
                       float c2, int* next, int chunk) {
  const int tasks = (n + chunk - 1) / chunk;
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (t >= tasks) return;
    const int i = t * chunk, len = n - i < chunk ? n - i : chunk;
    adam_update(param + i, m + i, v + i, g + i, paramOut + i, mOut + i, vOut + i, len, lr, beta1, beta2, epsilon, c1,
                c2);
  }
}
