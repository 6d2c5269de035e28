// Forward 2-D NHWC convolution for layers with few output channels (a decoder's last layer: 16 -> 1),
// where XNNPACK's kernels, tiled over output channels, leave most lanes idle. Here the input channels
// fill the lanes: each output value is a sum of dot products of x[b][ih][iw][:] with the filter row
// wt[co][kh][kw][:]. The filter comes transposed to [outC][filterH][filterW][inC] (for outC = 1 that is
// tfjs's own layout).
#include "common.h"

// acc += x[0..n) * w[0..n) lane-wise (full vectors); returns the products of the last n % 4 values.
INLINE float dot_into(v128_t* acc, const float* a, const float* b, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) *acc = madd4(wasm_v128_load(a + i), wasm_v128_load(b + i), *acc);
  float s = 0.0f;
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

INLINE float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// One output value at (oh, ow) for output channel co (any position: taps outside the input are skipped).
INLINE float one_output(const float* xb, const float* wc, int h0, int w0, int khLo, int khHi, int inH, int inW,
                        int inC, int filterW, int dilationH, int dilationW) {
  int kwLo, kwHi;
  taps(w0, dilationW, filterW, inW, &kwLo, &kwHi);
  v128_t acc = wasm_f32x4_splat(0.0f);
  float s = 0.0f;
  for (int kh = khLo; kh < khHi; kh++) {
    const int ih = h0 + kh * dilationH;
    for (int kw = kwLo; kw < kwHi; kw++) {
      const int iw = w0 + kw * dilationW;
      s += dot_into(&acc, xb + (ih * inW + iw) * inC, wc + (kh * filterW + kw) * inC, inC);
    }
  }
  return s + hsum(acc);
}

// Four adjacent output values (ow .. ow + 3) of channel co whose taps all lie inside the row: four
// independent sums, so the additions do not wait on each other (one sum is bound by the add latency).
INLINE void four_outputs(float* y, int outC, const float* xb, const float* wc, int h0, int w0, int khLo, int khHi,
                         int inW, int inC, int filterW, int strideW, int dilationH, int dilationW) {
  v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  const int step = strideW * inC;
  const int c4 = inC & ~3;
  for (int kh = khLo; kh < khHi; kh++) {
    const int ih = h0 + kh * dilationH;
    for (int kw = 0; kw < filterW; kw++) {
      const float* p = xb + (ih * inW + w0 + kw * dilationW) * inC;
      const float* w = wc + (kh * filterW + kw) * inC;
      int i = 0;
      for (; i < c4; i += 4) {
        const v128_t wv = wasm_v128_load(w + i);
        a0 = madd4(wasm_v128_load(p + i), wv, a0);
        a1 = madd4(wasm_v128_load(p + step + i), wv, a1);
        a2 = madd4(wasm_v128_load(p + 2 * step + i), wv, a2);
        a3 = madd4(wasm_v128_load(p + 3 * step + i), wv, a3);
      }
      for (; i < inC; i++) {
        s0 += p[i] * w[i];
        s1 += p[step + i] * w[i];
        s2 += p[2 * step + i] * w[i];
        s3 += p[3 * step + i] * w[i];
      }
    }
  }
  y[0] = s0 + hsum(a0);
  y[outC] = s1 + hsum(a1);
  y[2 * outC] = s2 + hsum(a2);
  y[3 * outC] = s3 + hsum(a3);
}

// Output rows of images b0 .. b1 - 1.
static void few_outputs_images(const float* x, const float* wt, float* y, int b0, int b1, int inH, int inW,
                               int inC, int outH, int outW, int outC, int filterH, int filterW, int strideH,
                               int strideW, int dilationH, int dilationW, int padTop, int padLeft) {
  // Output columns [owLo, owHi) have every horizontal tap inside the row.
  int owLo = 0;
  while (owLo < outW && owLo * strideW - padLeft < 0) owLo++;
  int owHi = owLo;
  while (owHi < outW && owHi * strideW - padLeft + (filterW - 1) * dilationW < inW) owHi++;
  for (int b = b0; b < b1; b++) {
    const float* xb = x + b * inH * inW * inC;
    for (int oh = 0; oh < outH; oh++) {
      const int h0 = oh * strideH - padTop;
      int khLo, khHi;
      taps(h0, dilationH, filterH, inH, &khLo, &khHi);
      float* row = y + ((b * outH + oh) * outW) * outC;
      for (int co = 0; co < outC; co++) {
        const float* wc = wt + co * filterH * filterW * inC;
        int ow = 0;
        for (; ow < owLo; ow++)
          row[ow * outC + co] = one_output(xb, wc, h0, ow * strideW - padLeft, khLo, khHi, inH, inW, inC, filterW,
                                           dilationH, dilationW);
        for (; ow + 4 <= owHi; ow += 4)
          four_outputs(row + ow * outC + co, outC, xb, wc, h0, ow * strideW - padLeft, khLo, khHi, inW, inC,
                       filterW, strideW, dilationH, dilationW);
        for (; ow < outW; ow++)
          row[ow * outC + co] = one_output(xb, wc, h0, ow * strideW - padLeft, khLo, khHi, inH, inW, inC, filterW,
                                           dilationH, dilationW);
      }
    }
  }
}

EXPORT("conv2d_few_outputs")
void conv2d_few_outputs(const float* x, const float* wt, float* y, int batch, int inH, int inW, int inC, int outH,
                        int outW, int outC, int filterH, int filterW, int strideH, int strideW, int dilationH,
                        int dilationW, int padTop, int padLeft) {
  few_outputs_images(x, wt, y, 0, batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW,
                     dilationH, dilationW, padTop, padLeft);
}

// The same, `chunk` images per task, which every thread calling this takes from `*next` until none is left
// (the images' outputs are disjoint).
EXPORT("conv2d_few_outputs_tasks")
void conv2d_few_outputs_tasks(const float* x, const float* wt, float* y, int batch, int inH, int inW, int inC,
                              int outH, int outW, int outC, int filterH, int filterW, int strideH, int strideW,
                              int dilationH, int dilationW, int padTop, int padLeft, int chunk, int* next) {
  for (;;) {
    const int b0 = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED) * chunk;
    if (b0 >= batch) return;
    few_outputs_images(x, wt, y, b0, b0 + chunk < batch ? b0 + chunk : batch, inH, inW, inC, outH, outW, outC,
                       filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft);
  }
}
