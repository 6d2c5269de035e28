// Gradient of nearest-neighbour resizing, NHWC, for the index mapping src = floor(i * in / out) (tfjs's
// mapping without alignCorners and halfPixelCenters, e.g. UpSampling2D): each output pixel adds its
// gradient to the input pixel it was copied from.
#include "common.h"

EXPORT("resize_nearest_grad")
void resize_nearest_grad(const float* dy, float* dx, int batch, int inH, int inW, int C, int outH, int outW) {
  zero(dx, batch * inH * inW * C);
  const int c4 = C & ~3;
  for (int b = 0; b < batch; b++) {
    for (int r = 0; r < outH; r++) {
      float* row = dx + (b * inH + r * inH / outH) * inW * C;
      const float* g = dy + ((b * outH + r) * outW) * C;
      for (int q = 0; q < outW; q++, g += C) {
        float* o = row + (q * inW / outW) * C;
        int c = 0;
        for (; c < c4; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_v128_load(g + c)));
        for (; c < C; c++) o[c] += g[c];
      }
    }
  }
}
