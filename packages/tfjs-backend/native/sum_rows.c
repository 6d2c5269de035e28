// Column sums of a row-major [rows, cols] matrix: out[c] = sum over r of x[r][c]. A bias gradient is
// this (the sum over every axis but the channels), which tfjs's wasm Sum computes after a transpose.
#include "common.h"

EXPORT("sum_rows")
void sum_rows(const float* x, float* out, int rows, int cols) {
  if (cols == 1) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    int r = 0;
    for (; r + 4 <= rows; r += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(x + r));
    float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
              wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
    for (; r < rows; r++) s += x[r];
    out[0] = s;
    return;
  }
  const int c4 = cols & ~3;
  int c = 0;
  // Sixteen columns (four vectors) per sweep over the rows, then four, then one.
  for (; c + 16 <= c4; c += 16) {
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    const float* p = x + c;
    for (int r = 0; r < rows; r++, p += cols) {
      a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
      a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
      a2 = wasm_f32x4_add(a2, wasm_v128_load(p + 8));
      a3 = wasm_f32x4_add(a3, wasm_v128_load(p + 12));
    }
    wasm_v128_store(out + c, a0);
    wasm_v128_store(out + c + 4, a1);
    wasm_v128_store(out + c + 8, a2);
    wasm_v128_store(out + c + 12, a3);
  }
  for (; c < c4; c += 4) {
    v128_t a = wasm_f32x4_splat(0.0f);
    const float* p = x + c;
    for (int r = 0; r < rows; r++, p += cols) a = wasm_f32x4_add(a, wasm_v128_load(p));
    wasm_v128_store(out + c, a);
  }
  for (; c < cols; c++) {
    float s = 0.0f;
    const float* p = x + c;
    for (int r = 0; r < rows; r++, p += cols) s += *p;
    out[c] = s;
  }
}

// The same in tasks of `chunk` rows: task t writes the column sums of its rows to parts + t * cols, which the
// caller adds up in task order (sum_rows of the parts), so the result does not depend on who ran which task.
EXPORT("sum_rows_tasks")
void sum_rows_tasks(const float* x, float* parts, int rows, int cols, int* next, int chunk) {
  const int tasks = (rows + chunk - 1) / chunk;
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    if (t >= tasks) return;
    const int r = t * chunk;
    sum_rows(x + r * cols, parts + t * cols, rows - r < chunk ? rows - r : chunk, cols);
  }
}
