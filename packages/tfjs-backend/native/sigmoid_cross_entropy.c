// Binary cross-entropy of sigmoid(z) against targets y, from the logits z, and its gradient (see
// shared/sigmoid-cross-entropy.ts for the definition both follow):
//
//   loss = sum of max(z, 0) - z y + log(1 + e^-|z|)      (= -(y log s + (1 - y) log(1 - s)), s = sigmoid(z))
//   dz   = scale (sigmoid(z) - y),   sigmoid(z) = (z >= 0 ? 1 : e^-|z|) / (1 + e^-|z|)
//
// One exp and one short log per value and no clipping: a training step with a sigmoid output and this
// loss runs these two kernels where it ran Sigmoid, the cross-entropy, its gradient and Sigmoid's gradient.
#include "exp.h"

// log(1 + e) for 0 <= e <= 1 as 2 atanh(s), s = e / (2 + e) <= 1/3: the odd series to s^13 (the next
// term is below 1e-8 of the result).
INLINE v128_t log1p_unit4(v128_t e) {
  const v128_t s = wasm_f32x4_div(e, wasm_f32x4_add(wasm_f32x4_splat(2.0f), e));
  const v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = wasm_f32x4_splat(2.0f / 13.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(2.0f / 11.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(2.0f / 9.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(2.0f / 7.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(2.0f / 5.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(2.0f / 3.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(2.0f));
  return wasm_f32x4_mul(p, s);
}

INLINE v128_t loss4(v128_t z, v128_t y) {
  const v128_t e = exp4_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(z)));
  const v128_t relu = wasm_v128_and(z, wasm_f32x4_ge(z, wasm_f32x4_splat(0.0f)));
  return wasm_f32x4_add(wasm_f32x4_sub(relu, wasm_f32x4_mul(z, y)), log1p_unit4(e));
}

INLINE v128_t grad4(v128_t z, v128_t y, v128_t scale) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t e = exp4_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(z)));
  const v128_t s = wasm_f32x4_div(wasm_v128_bitselect(one, e, wasm_f32x4_ge(z, wasm_f32x4_splat(0.0f))),
                                  wasm_f32x4_add(one, e));
  return wasm_f32x4_mul(scale, wasm_f32x4_sub(s, y));
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
  while (i + 4 <= n) {
    const int end = n - i > 256 ? i + 256 : n - ((n - i) & 3);
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (; i < end; i += 4) acc = wasm_f32x4_add(acc, loss4(wasm_v128_load(z + i), wasm_v128_load(y + i)));
    sum += sum_f64(acc);
  }
  const int r = n - i;
  if (r > 0) {
    const v128_t l = loss4(tail4(z + i, r), tail4(y + i, r));
    sum += (double)wasm_f32x4_extract_lane(l, 0);
    if (r > 1) sum += (double)wasm_f32x4_extract_lane(l, 1);
    if (r > 2) sum += (double)wasm_f32x4_extract_lane(l, 2);
  }
  return sum;
}

EXPORT("sigmoid_cross_entropy_grad")
void sigmoid_cross_entropy_grad(const float* z, const float* y, float* dz, int n, float scale) {
  const v128_t vs = wasm_f32x4_splat(scale);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dz + i, grad4(wasm_v128_load(z + i), wasm_v128_load(y + i), vs));
  const int r = n - i;
  if (r > 0) store_tail4(dz + i, grad4(tail4(z + i, r), tail4(y + i, r), vs), r);
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
