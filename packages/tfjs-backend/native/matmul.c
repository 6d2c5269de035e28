// Matrix product with an optional bias and clamp, in WebAssembly SIMD:
//
//   c[i][j] = clamp(sum over k of A(i, k) * B(k, j) + bias[j], lo, hi), then the sigmoid of that with `sigmoid`
//   A(i, k) = a[i * K + k], or a[k * M + i] when transposed;  B(k, j) = b[k * N + j], or b[j * K + k].
//
// Training a dense layer runs all three shapes (forward x.W, input gradient dy.W^T, weight gradient
// x^T.dy); the tfjs wasm backend sends only the first to XNNPACK and builds (packs) an XNNPACK operator
// for each new weight tensor, that is, every step. Here each panel of NR columns of B is copied to
// `scratch` (K * NR floats per panel, a few panels at a time) in k-major order, then swept by MR x NR
// register tiles: per k, NR/4 vector loads of B, MR broadcasts of A, MR * NR/4 multiply-adds into
// accumulators that stay in registers (common.h's madd4: fused in the relaxed-SIMD build).
#include "sigmoid.h"

#define MR 4
#define NR 8

// scratch[k][jj] = B(k, j0 + jj) for jj < cols, zero beyond (so a partial panel computes zeros).
INLINE void pack_panel(const float* b, float* bp, int K, int N, int j0, int cols, int transB) {
  if (!transB && cols == NR) {
    const float* row = b + j0;
    for (int k = 0; k < K; k++, row += N) {
      wasm_v128_store(bp + k * NR, wasm_v128_load(row));
      wasm_v128_store(bp + k * NR + 4, wasm_v128_load(row + 4));
    }
    return;
  }
  zero(bp, K * NR);
  for (int jj = 0; jj < cols; jj++) {
    if (transB) {
      const float* col = b + (j0 + jj) * K;
      for (int k = 0; k < K; k++) bp[k * NR + jj] = col[k];
    } else {
      const float* col = b + j0 + jj;
      for (int k = 0; k < K; k++) bp[k * NR + jj] = col[k * N];
    }
  }
}

INLINE v128_t clamp(v128_t v, v128_t lo, v128_t hi) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi); }

// What happens to a sum before it is stored: the clamp, then the sigmoid (sigmoid.h, the sigmoid kernel's
// function: the same values as the product followed by that kernel) when `sigmoid` is set.
typedef struct {
  v128_t lo, hi;
  int sigmoid;
  SigmoidConstants k;
} Epilogue;

INLINE Epilogue epilogue(float lo, float hi, int sigmoid) {
  return (Epilogue){wasm_f32x4_splat(lo), wasm_f32x4_splat(hi), sigmoid, sigmoid_constants()};
}

INLINE v128_t finish(v128_t v, const Epilogue* e) {
  v = clamp(v, e->lo, e->hi);
  return e->sigmoid ? sigmoid4(v, &e->k) : v;
}

// One output row of a tile: bias, epilogue, store `cols` values.
INLINE void store_row(float* c, v128_t v0, v128_t v1, v128_t b0, v128_t b1, const Epilogue* e, int cols) {
  v0 = finish(wasm_f32x4_add(v0, b0), e);
  v1 = finish(wasm_f32x4_add(v1, b1), e);
  if (cols == NR) {
    wasm_v128_store(c, v0);
    wasm_v128_store(c + 4, v1);
    return;
  }
  // A partial panel (no arrays: the module has no stack).
  if (cols >= 4) {
    wasm_v128_store(c, v0);
    c += 4;
    cols -= 4;
    v0 = v1;
  }
  if (cols > 0) c[0] = wasm_f32x4_extract_lane(v0, 0);
  if (cols > 1) c[1] = wasm_f32x4_extract_lane(v0, 1);
  if (cols > 2) c[2] = wasm_f32x4_extract_lane(v0, 2);
}

// Rows i0..i0+rows of C for one packed panel. A row's k-th value is at a[(i) * sm + k * sk]; rows past
// the end read row i0 again and are not stored.
INLINE void tile(const float* a, int sm, int sk, const float* bp, int K, float* c, int ldc, int rows, int cols,
                 v128_t b0, v128_t b1, const Epilogue* e) {
  const float* a0 = a;
  const float* a1 = rows > 1 ? a + sm : a;
  const float* a2 = rows > 2 ? a + 2 * sm : a;
  const float* a3 = rows > 3 ? a + 3 * sm : a;
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < K; k++) {
    const v128_t p0 = wasm_v128_load(bp);
    const v128_t p1 = wasm_v128_load(bp + 4);
    bp += NR;
    const v128_t x0 = wasm_v128_load32_splat(a0);
    const v128_t x1 = wasm_v128_load32_splat(a1);
    const v128_t x2 = wasm_v128_load32_splat(a2);
    const v128_t x3 = wasm_v128_load32_splat(a3);
    a0 += sk;
    a1 += sk;
    a2 += sk;
    a3 += sk;
    c00 = madd4(x0, p0, c00);
    c01 = madd4(x0, p1, c01);
    c10 = madd4(x1, p0, c10);
    c11 = madd4(x1, p1, c11);
    c20 = madd4(x2, p0, c20);
    c21 = madd4(x2, p1, c21);
    c30 = madd4(x3, p0, c30);
    c31 = madd4(x3, p1, c31);
  }
  store_row(c, c00, c01, b0, b1, e, cols);
  if (rows > 1) store_row(c + ldc, c10, c11, b0, b1, e, cols);
  if (rows > 2) store_row(c + 2 * ldc, c20, c21, b0, b1, e, cols);
  if (rows > 3) store_row(c + 3 * ldc, c30, c31, b0, b1, e, cols);
}


// Panels packed together: as many as fit in GROUP_FLOATS floats (at most MAX_GROUP), so that a row block of A
// is read once for the whole group and C is written a row block at a time, 4 rows of up to 64 values: one
// panel after another would write each row of C in 32-byte pieces, 98 passes over a 128 x 784 output.
#define GROUP_FLOATS 16384
#define MAX_GROUP 8

INLINE int group_panels(int K) {
  const int g = GROUP_FLOATS / (K * NR);
  return g < 1 ? 1 : g > MAX_GROUP ? MAX_GROUP : g;
}

// Bias values j0 + 4 h .. j0 + 4 h + 3 of a panel of `cols` columns, zero past the end (or without a bias).
INLINE v128_t bias4(const float* bias, int j0, int cols, int h) {
  if (!bias) return wasm_f32x4_splat(0.0f);
  const float* q = bias + j0 + 4 * h;
  const int n = cols - 4 * h;
  if (n >= 4) return wasm_v128_load(q);
  return wasm_f32x4_make(n > 0 ? q[0] : 0.0f, n > 1 ? q[1] : 0.0f, n > 2 ? q[2] : 0.0f, 0.0f);
}

// Row blocks [i0, i1) of one group of panels [p0, p1), packed at scratch; constant strides in each branch,
// so that the compiler specialises the inner loop.
INLINE void sweep_group(const float* a, int sm, int sk, const float* bias, const float* scratch, int K, float* c,
                        int N, int i0, int i1, int p0, int p1, const Epilogue* e) {
  for (int i = i0; i < i1; i += MR) {
    const int rows = i1 - i < MR ? i1 - i : MR;
    for (int p = p0; p < p1; p++) {
      const int j0 = p * NR;
      const int cols = N - j0 < NR ? N - j0 : NR;
      tile(a + i * sm, sm, sk, scratch + (p - p0) * K * NR, K, c + i * N + j0, N, rows, cols,
           bias4(bias, j0, cols, 0), bias4(bias, j0, cols, 1), e);
    }
  }
}

// Panels [p0, p1) of NR columns of C, rows [i0, i1).
INLINE void matmul_block(const float* a, const float* b, const float* bias, float* c, int M, int N, int K,
                         int transA, int transB, const Epilogue* e, float* scratch, int i0, int i1, int p0,
                         int p1) {
  const int group = group_panels(K);
  for (int g0 = p0; g0 < p1; g0 += group) {
    const int g1 = g0 + group < p1 ? g0 + group : p1;
    for (int p = g0; p < g1; p++) {
      const int j0 = p * NR;
      pack_panel(b, scratch + (p - g0) * K * NR, K, N, j0, N - j0 < NR ? N - j0 : NR, transB);
    }
    if (transA)
      sweep_group(a, 1, M, bias, scratch, K, c, N, i0, i1, g0, g1, e);
    else
      sweep_group(a, K, 1, bias, scratch, K, c, N, i0, i1, g0, g1, e);
  }
}

// The scratch `matmul` needs for a product of inner dimension K: one packed group of column panels.
EXPORT("matmul_scratch_floats")
int matmul_scratch_floats(int K) { return K * NR * group_panels(K); }

// scratch: matmul_scratch_floats(K) floats. bias: N floats or 0 (none). sigmoid: 1 to apply it after the clamp.
EXPORT("matmul")
void matmul(const float* a, const float* b, const float* bias, float* c, int M, int N, int K, int transA,
            int transB, float lo, float hi, int sigmoid, float* scratch) {
  const Epilogue e = epilogue(lo, hi, sigmoid);
  matmul_block(a, b, bias, c, M, N, K, transA, transB, &e, scratch, 0, M, 0, (N + NR - 1) / NR);
}

// The same product cut into tasks of `rowsPerTask` rows (a multiple of MR) by `panelsPerTask` panels of NR
// columns, which every thread calling this (each with its own scratch) takes from `*next` until none is
// left: several threads share one product, and one thread alone computes all of it.
EXPORT("matmul_tasks")
void matmul_tasks(const float* a, const float* b, const float* bias, float* c, int M, int N, int K, int transA,
                  int transB, float lo, float hi, int sigmoid, float* scratch, int* next, int rowsPerTask,
                  int panelsPerTask) {
  const Epilogue e = epilogue(lo, hi, sigmoid);
  const int panels = (N + NR - 1) / NR;
  const int rowTasks = (M + rowsPerTask - 1) / rowsPerTask;
  const int tasks = rowTasks * ((panels + panelsPerTask - 1) / panelsPerTask);
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (t >= tasks) return;
    const int i0 = (t % rowTasks) * rowsPerTask, p0 = (t / rowTasks) * panelsPerTask;
    matmul_block(a, b, bias, c, M, N, K, transA, transB, &e, scratch, i0,
                 i0 + rowsPerTask < M ? i0 + rowsPerTask : M, p0, p0 + panelsPerTask < panels ? p0 + panelsPerTask : panels);
  }
}
