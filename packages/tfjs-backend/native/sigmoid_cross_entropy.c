// Binary cross-entropy of sigmoid(z) against targets y, from the logits z, and its gradient (see
// shared/sigmoid-cross-entropy.ts for the definition both follow):
//
//   loss = sum of max(z, 0) - z y + log(1 + e^-|z|)      (= -(y log s + (1 - y) log(1 - s)), s = sigmoid(z))
//   dz   = scale (sigmoid(z) - y)   (sigmoid.h)
//
// One exp and one short log per value and no clipping: a training step with a sigmoid output and this
// loss runs these two kernels where it ran Sigmoid, the cross-entropy, its gradient and Sigmoid's gradient.
#include "sigmoid.h"

// The loss's constants, held in registers by the loops (see exp4_fast_constants).
typedef struct {
  SigmoidConstants sig;
  v128_t zero, two, c13, c11, c9, c7, c5, c3;
} LossConstants;

INLINE LossConstants loss_constants(void) {
  return (LossConstants){
      sigmoid_constants(),
      opaque4(wasm_f32x4_splat(0.0f)),
      opaque4(wasm_f32x4_splat(2.0f)),
      opaque4(wasm_f32x4_splat(2.0f / 13.0f)),
      opaque4(wasm_f32x4_splat(2.0f / 11.0f)),
      opaque4(wasm_f32x4_splat(2.0f / 9.0f)),
      opaque4(wasm_f32x4_splat(2.0f / 7.0f)),
      opaque4(wasm_f32x4_splat(2.0f / 5.0f)),
      opaque4(wasm_f32x4_splat(2.0f / 3.0f)),
  };
}

// log(1 + e) for 0 <= e <= 1 as 2 atanh(s), s = e / (2 + e) <= 1/3: the odd series to s^13 (the next
// term is below 1e-8 of the result); its steps are madd4s.
INLINE v128_t log1p_unit4(v128_t e, const LossConstants* k) {
  const v128_t s = wasm_f32x4_div(e, wasm_f32x4_add(k->two, e));
  const v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = madd4(k->c13, s2, k->c11);
  p = madd4(p, s2, k->c9);
  p = madd4(p, s2, k->c7);
  p = madd4(p, s2, k->c5);
  p = madd4(p, s2, k->c3);
  p = madd4(p, s2, k->two);
  return wasm_f32x4_mul(p, s);
}

INLINE v128_t loss4(v128_t z, v128_t y, const LossConstants* k) {
  // e^-|z|, with -|z| clamped to exp4_fast's range (e^-87 is zero next to 1).
  const v128_t minus_abs = wasm_f32x4_pmax(wasm_v128_or(z, k->sig.sign), k->sig.lo);
  const v128_t e = exp4_fast(minus_abs, &k->sig.exp);
  const v128_t relu = wasm_f32x4_pmax(z, k->zero);
  return wasm_f32x4_add(wasm_f32x4_sub(relu, wasm_f32x4_mul(z, y)), log1p_unit4(e, k));
}

INLINE v128_t grad4(v128_t z, v128_t y, v128_t scale, const SigmoidConstants* k) {
  return wasm_f32x4_mul(scale, wasm_f32x4_sub(sigmoid4(z, k), y));
}

INLINE double sum_f64(v128_t v) {
  const v128_t lo = wasm_f64x2_promote_low_f32x4(v);
  const v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  const v128_t s = wasm_f64x2_add(lo, hi);
  return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
}

// Blocks of 256 values are summed in float32 lanes, the blocks in float64, so that the result does not
// depend on the value count.
EXPORT("sigmoid_cross_entropy_sum")
double sigmoid_cross_entropy_sum(const float* z, const float* y, int n) {
  double sum = 0.0;
  int i = 0;
  const LossConstants k = loss_constants();
  while (i + 4 <= n) {
    const int end = n - i > 256 ? i + 256 : n - ((n - i) & 3);
    // Two sums, so that two values' chains overlap (a block of 256 or the last one: a multiple of 4).
    v128_t acc0 = k.zero, acc1 = k.zero;
    for (; i + 8 <= end; i += 8) {
      acc0 = wasm_f32x4_add(acc0, loss4(wasm_v128_load(z + i), wasm_v128_load(y + i), &k));
      acc1 = wasm_f32x4_add(acc1, loss4(wasm_v128_load(z + i + 4), wasm_v128_load(y + i + 4), &k));
    }
    if (i < end) {
      acc0 = wasm_f32x4_add(acc0, loss4(wasm_v128_load(z + i), wasm_v128_load(y + i), &k));
      i += 4;
    }
    sum += sum_f64(wasm_f32x4_add(acc0, acc1));
  }
  const int r = n - i;
  if (r > 0) {
    const v128_t l = loss4(tail4(z + i, r), tail4(y + i, r), &k);
    sum += (double)wasm_f32x4_extract_lane(l, 0);
    if (r > 1) sum += (double)wasm_f32x4_extract_lane(l, 1);
    if (r > 2) sum += (double)wasm_f32x4_extract_lane(l, 2);
  }
  return sum;
}

EXPORT("sigmoid_cross_entropy_grad")
void sigmoid_cross_entropy_grad(const float* z, const float* y, float* dz, int n, float scale) {
  const SigmoidConstants k = sigmoid_constants();
  const v128_t vs = wasm_f32x4_splat(scale);
  int i = 0;
  // Four vectors at a time, as the sigmoid kernel.
  for (; i + 16 <= n; i += 16) {
    v128_t v[4];
    for (int j = 0; j < 4; j++) v[j] = grad4(wasm_v128_load(z + i + 4 * j), wasm_v128_load(y + i + 4 * j), vs, &k);
    for (int j = 0; j < 4; j++) wasm_v128_store(dz + i + 4 * j, v[j]);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(dz + i, grad4(wasm_v128_load(z + i), wasm_v128_load(y + i), vs, &k));
  const int r = n - i;
  if (r > 0) store_tail4(dz + i, grad4(tail4(z + i, r), tail4(y + i, r), vs, &k), r);
}

// The same two kernels cut into tasks of `chunk` values (a multiple of 256), which every thread calling them
// takes from `*next` until none is left; the sum leaves task t's part in partials[t].
EXPORT("sigmoid_cross_entropy_sum_tasks")
void sigmoid_cross_entropy_sum_tasks(const float* z, const float* y, int n, double* partials, int* next, int chunk) {
  const int tasks = (n + chunk - 1) / chunk;
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (t >= tasks) return;
    const int i = t * chunk;
    partials[t] = sigmoid_cross_entropy_sum(z + i, y + i, n - i < chunk ? n - i : chunk);
  }
}

EXPORT("sigmoid_cross_entropy_grad_tasks")
void sigmoid_cross_entropy_grad_tasks(const float* z, const float* y, float* dz, int n, float scale, int* next,
                                      int chunk) {
  const int tasks = (n + chunk - 1) / chunk;
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (t >= tasks) return;
    const int i = t * chunk;
    sigmoid_cross_entropy_grad(z + i, y + i, dz + i, n - i < chunk ? n - i : chunk, scale);
  }
}
