// Max-pool gradient, NHWC: each output's gradient goes to the first maximum of its window in scan order
// (as tfjs and TensorFlow). Four channels per vector: a first pass finds each lane's winning window
// position, a second adds dy where the lane's winner is that position.
#include "common.h"

EXPORT("max_pool_grad")
void max_pool_grad(const float* x, const float* dy, float* dx, int batch, int inH, int inW, int C, int outH,
                   int outW, int filterH, int filterW, int strideH, int strideW, int dilationH, int dilationW,
                   int padTop, int padLeft) {
  zero(dx, batch * inH * inW * C);
  const int c4 = C & ~3;
  for (int b = 0; b < batch; b++) {
    const float* xb = x + b * inH * inW * C;
    float* dxb = dx + b * inH * inW * C;
    for (int oh = 0; oh < outH; oh++) {
      const int h0 = oh * strideH - padTop;
      for (int ow = 0; ow < outW; ow++) {
        const int w0 = ow * strideW - padLeft;
        const float* g = dy + ((b * outH + oh) * outW + ow) * C;
        for (int c = 0; c < c4; c += 4) {
          v128_t best = wasm_f32x4_splat(0.0f);
          v128_t bestAt = wasm_i32x4_splat(-1);
          int seen = 0;
          for (int r = 0; r < filterH; r += dilationH) {
            const int h = h0 + r;
            if (h < 0 || h >= inH) continue;
            for (int s = 0; s < filterW; s += dilationW) {
              const int w = w0 + s;
              if (w < 0 || w >= inW) continue;
              const int at = h * inW + w;
              const v128_t v = wasm_v128_load(xb + at * C + c);
              if (!seen) {
                best = v;
                bestAt = wasm_i32x4_splat(at);
                seen = 1;
              } else {
                const v128_t better = wasm_f32x4_gt(v, best);
                best = wasm_v128_bitselect(v, best, better);
                bestAt = wasm_v128_bitselect(wasm_i32x4_splat(at), bestAt, better);
              }
            }
          }
          if (!seen) continue;
          const v128_t gv = wasm_v128_load(g + c);
          for (int r = 0; r < filterH; r += dilationH) {
            const int h = h0 + r;
            if (h < 0 || h >= inH) continue;
            for (int s = 0; s < filterW; s += dilationW) {
              const int w = w0 + s;
              if (w < 0 || w >= inW) continue;
              const int at = h * inW + w;
              const v128_t mine = wasm_i32x4_eq(bestAt, wasm_i32x4_splat(at));
              float* o = dxb + at * C + c;
              wasm_v128_store(o, wasm_f32x4_add(wasm_v128_load(o), wasm_v128_and(gv, mine)));
            }
          }
        }
        for (int c = c4; c < C; c++) {
          float best = 0.0f;
          int bestAt = -1;
          for (int r = 0; r < filterH; r += dilationH) {
            const int h = h0 + r;
            if (h < 0 || h >= inH) continue;
            for (int s = 0; s < filterW; s += dilationW) {
              const int w = w0 + s;
              if (w < 0 || w >= inW) continue;
              const int at = h * inW + w;
              const float v = xb[at * C + c];
              if (bestAt < 0 || v > best) {
                best = v;
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) dxb[bestAt * C + c] += g[c];
        }
      }
    }
  }
}
