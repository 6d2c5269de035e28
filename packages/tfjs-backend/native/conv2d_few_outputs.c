// Forward 2-D NHWC convolution for layers with few output channels (a decoder's last layer: 16 -> 1),
// where XNNPACK's kernels, tiled over output channels, leave most lanes idle. Here the input channels
// fill the lanes: each output value is a sum of dot products of x[b][ih][iw][:] with the filter row
// wt[co][kh][kw][:]. The filter comes transposed to [outC][filterH][filterW][inC] (for outC = 1 that is
// tfjs's own layout).
#include "common.h"

// acc += x[0..n) * w[0..n) lane-wise (full vectors); returns the products of the last n % 4 values.
INLINE float dot_into(v128_t* acc, const float* a, const float* b, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) *acc = wasm_f32x4_add(*acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  float s = 0.0f;
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

EXPORT("conv2d_few_outputs")
void conv2d_few_outputs(const float* x, const float* wt, float* y, int batch, int inH, int inW, int inC, int outH,
                        int outW, int outC, int filterH, int filterW, int strideH, int strideW, int dilationH,
                        int dilationW, int padTop, int padLeft) {
  for (int b = 0; b < batch; b++) {
    const float* xb = x + b * inH * inW * inC;
    for (int oh = 0; oh < outH; oh++) {
      const int h0 = oh * strideH - padTop;
      int khLo, khHi;
      taps(h0, dilationH, filterH, inH, &khLo, &khHi);
      for (int ow = 0; ow < outW; ow++) {
        const int w0 = ow * strideW - padLeft;
        int kwLo, kwHi;
        taps(w0, dilationW, filterW, inW, &kwLo, &kwHi);
        for (int co = 0; co < outC; co++) {
          const float* wc = wt + co * filterH * filterW * inC;
          v128_t acc = wasm_f32x4_splat(0.0f);
          float s = 0.0f;
          for (int kh = khLo; kh < khHi; kh++) {
            const int ih = h0 + kh * dilationH;
            for (int kw = kwLo; kw < kwHi; kw++) {
              const int iw = w0 + kw * dilationW;
              s += dot_into(&acc, xb + (ih * inW + iw) * inC, wc + (kh * filterW + kw) * inC, inC);
            }
          }
          *y++ = s + (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
                 (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
        }
      }
    }
  }
}
