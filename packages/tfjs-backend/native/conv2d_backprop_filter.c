// Filter gradient of a 2-D NHWC convolution, in WebAssembly SIMD.
//
//   dw[kh][kw][ci][co] = sum over b, oh, ow of x[b][ih][iw][ci] * dy[b][oh][ow][co]
//   with ih = oh*strideH + kh*dilationH - padTop, iw = ow*strideW + kw*dilationW - padLeft
//
// The module imports the tfjs wasm backend's memory, so x, dy and dw are addresses of tensors that
// backend already holds: nothing is copied. The code keeps every value in wasm locals (no shadow stack,
// no data segment), so it never writes outside dw. Built by scripts/build-native.mjs.

#include "common.h"

// dw[ci][co] (leading dimension ldw) += sum over n positions of x[ci] * d[co], for CB input channels and
// 4*VB output channels held in registers. x and d advance by xs and ds floats per position.
INLINE void tile_co(float* dw, int ldw, const float* x, int xs, const float* d, int ds, int n, const int CB,
                    const int VB) {
  v128_t acc[4][4];
  for (int i = 0; i < CB; i++)
    for (int j = 0; j < VB; j++) acc[i][j] = wasm_v128_load(dw + i * ldw + 4 * j);
  for (int p = 0; p < n; p++) {
    v128_t dv[4];
    for (int j = 0; j < VB; j++) dv[j] = wasm_v128_load(d + 4 * j);
    for (int i = 0; i < CB; i++) {
      v128_t xv = wasm_v128_load32_splat(x + i);
      for (int j = 0; j < VB; j++) acc[i][j] = madd4(xv, dv[j], acc[i][j]);
    }
    x += xs;
    d += ds;
  }
  for (int i = 0; i < CB; i++)
    for (int j = 0; j < VB; j++) wasm_v128_store(dw + i * ldw + 4 * j, acc[i][j]);
}

// The same product with the input channels in the vector lanes: 4*VB input channels, one output channel
// (used for output-channel counts that are not a multiple of 4, e.g. a 1-channel decoder output).
INLINE void tile_ci(float* dw, int ldw, const float* x, int xs, const float* d, int ds, int n, const int VB) {
  v128_t acc[4];
  for (int j = 0; j < VB; j++) acc[j] = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < n; p++) {
    v128_t dv = wasm_v128_load32_splat(d);
    for (int j = 0; j < VB; j++) acc[j] = madd4(wasm_v128_load(x + 4 * j), dv, acc[j]);
    x += xs;
    d += ds;
  }
  for (int j = 0; j < VB; j++) {
    float* o = dw + 4 * j * ldw;
    o[0] += wasm_f32x4_extract_lane(acc[j], 0);
    o[ldw] += wasm_f32x4_extract_lane(acc[j], 1);
    o[2 * ldw] += wasm_f32x4_extract_lane(acc[j], 2);
    o[3 * ldw] += wasm_f32x4_extract_lane(acc[j], 3);
  }
}

INLINE void scalar(float* dw, const float* x, int xs, const float* d, int ds, int n) {
  float acc = 0.0f;
  for (int p = 0; p < n; p++) {
    acc += x[0] * d[0];
    x += xs;
    d += ds;
  }
  dw[0] += acc;
}

#define CO_TILES(CB)                                                                          \
  for (; co + 16 <= co4; co += 16) tile_co(w + co, outC, xp, xs, dp + co, outC, n, CB, 4);      \
  for (; co + 8 <= co4; co += 8) tile_co(w + co, outC, xp, xs, dp + co, outC, n, CB, 2);        \
  for (; co < co4; co += 4) tile_co(w + co, outC, xp, xs, dp + co, outC, n, CB, 1);

// dw[ci][co] += sum over n positions of x[ci] * d[co] for all inC x outC pairs.
static void outer_accumulate(float* dw, const float* x, int xs, const float* d, int n, int inC, int outC) {
  const int co4 = outC & ~3;
  int ci = 0;
  if (co4 > 0) {
    // At most 16 accumulators: 4 input channels x 16 output channels would spill, so pair 4 channels
    // with 8 and 1 channel with 16.
    for (; ci + 4 <= inC; ci += 4) {
      float* w = dw + ci * outC;
      const float* xp = x + ci;
      const float* dp = d;
      int co = 0;
      for (; co + 8 <= co4; co += 8) tile_co(w + co, outC, xp, xs, dp + co, outC, n, 4, 2);
      for (; co < co4; co += 4) tile_co(w + co, outC, xp, xs, dp + co, outC, n, 4, 1);
    }
    for (; ci + 2 <= inC; ci += 2) {
      float* w = dw + ci * outC;
      const float* xp = x + ci;
      const float* dp = d;
      int co = 0;
      CO_TILES(2)
    }
    for (; ci < inC; ci++) {
      float* w = dw + ci * outC;
      const float* xp = x + ci;
      const float* dp = d;
      int co = 0;
      CO_TILES(1)
    }
  }
  if (co4 < outC) {
    // Output channels beyond the last multiple of 4: input channels go in the lanes.
    for (int co = co4; co < outC; co++) {
      int c = 0;
      for (; c + 16 <= inC; c += 16) tile_ci(dw + c * outC + co, outC, x + c, xs, d + co, outC, n, 4);
      for (; c + 8 <= inC; c += 8) tile_ci(dw + c * outC + co, outC, x + c, xs, d + co, outC, n, 2);
      for (; c + 4 <= inC; c += 4) tile_ci(dw + c * outC + co, outC, x + c, xs, d + co, outC, n, 1);
      for (; c < inC; c++) scalar(dw + c * outC + co, x + c, xs, d + co, outC, n);
    }
  }
}

// dw accumulated over images b0 .. b1 - 1 (not zeroed here).
static void accumulate_images(const float* x, const float* dy, float* dw, int b0, int b1, int inH, int inW, int inC,
                              int outH, int outW, int outC, int filterH, int filterW, int strideH, int strideW,
                              int dilationH, int dilationW, int padTop, int padLeft) {
  const int xs = strideW * inC;
  for (int b = b0; b < b1; b++) {
    for (int oh = 0; oh < outH; oh++) {
      const float* dyRow = dy + ((b * outH + oh) * outW) * outC;
      for (int kh = 0; kh < filterH; kh++) {
        const int ih = oh * strideH + kh * dilationH - padTop;
        if (ih < 0 || ih >= inH) continue;
        const float* xRow = x + ((b * inH + ih) * inW) * inC;
        for (int kw = 0; kw < filterW; kw++) {
          const int off = kw * dilationW - padLeft;
          if (off >= inW) break;
          // Output columns whose input column ow*strideW + off lies inside the row.
          int ow0, ow1;
          taps(off, strideW, outW, inW, &ow0, &ow1);
          if (ow0 >= ow1) continue;
          outer_accumulate(dw + (kh * filterW + kw) * inC * outC, xRow + (ow0 * strideW + off) * inC, xs,
                           dyRow + ow0 * outC, ow1 - ow0, inC, outC);
        }
      }
    }
  }
}

EXPORT("conv2d_backprop_filter")
void conv2d_backprop_filter(const float* x, const float* dy, float* dw, int batch, int inH, int inW, int inC,
                            int outH, int outW, int outC, int filterH, int filterW, int strideH, int strideW,
                            int dilationH, int dilationW, int padTop, int padLeft) {
  zero(dw, filterH * filterW * inC * outC);
  accumulate_images(x, dy, dw, 0, batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW,
                    dilationH, dilationW, padTop, padLeft);
}

// The same cut into tasks of `chunk` images, which every thread calling this takes from `*next` until none
// is left. Task t sums its images into its own filter-sized part, parts + t * (filter size); the caller adds
// the parts up in task order (sum_rows), so the result does not depend on which thread ran which task.
EXPORT("conv2d_backprop_filter_tasks")
void conv2d_backprop_filter_tasks(const float* x, const float* dy, float* parts, int batch, int inH, int inW,
                                  int inC, int outH, int outW, int outC, int filterH, int filterW, int strideH,
                                  int strideW, int dilationH, int dilationW, int padTop, int padLeft, int chunk,
                                  int* next) {
  const int size = filterH * filterW * inC * outC;
  for (;;) {
    const int t = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
    const int b0 = t * chunk;
    if (b0 >= batch) return;
    float* dw = parts + t * size;
    zero(dw, size);
    accumulate_images(x, dy, dw, b0, b0 + chunk < batch ? b0 + chunk : batch, inH, inW, inC, outH, outW, outC,
                      filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft);
  }
}
