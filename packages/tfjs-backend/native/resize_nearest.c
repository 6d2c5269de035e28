// Nearest-neighbour resizing, NHWC, for the index mapping src = floor(i * in / out) (tfjs's mapping without
// alignCorners and halfPixelCenters, e.g. UpSampling2D): each output pixel is a copy of the input pixel it
// maps to, and an output row that maps to the same input row as the one before it is a copy of that row.
#include "common.h"

INLINE void copy(float* dst, const float* src, int n) {
  int c = 0;
  for (; c + 16 <= n; c += 16) {
    wasm_v128_store(dst + c, wasm_v128_load(src + c));
    wasm_v128_store(dst + c + 4, wasm_v128_load(src + c + 4));
    wasm_v128_store(dst + c + 8, wasm_v128_load(src + c + 8));
    wasm_v128_store(dst + c + 12, wasm_v128_load(src + c + 12));
  }
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
  for (; c < n; c++) dst[c] = src[c];
}

EXPORT("resize_nearest")
void resize_nearest(const float* x, float* y, int batch, int inH, int inW, int C, int outH, int outW) {
  const int rowFloats = outW * C;
  for (int b = 0; b < batch; b++) {
    for (int r = 0; r < outH; r++) {
      float* out = y + (b * outH + r) * rowFloats;
      const int src = r * inH / outH;
      if (r > 0 && (r - 1) * inH / outH == src) {
        copy(out, out - rowFloats, rowFloats);
        continue;
      }
      const float* row = x + (b * inH + src) * inW * C;
      for (int q = 0; q < outW; q++) copy(out + q * C, row + (q * inW / outW) * C, C);
    }
  }
}
