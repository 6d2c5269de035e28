// Max-pool gradient, NHWC: each output's gradient goes to the first maximum of its window in scan order
// (as tfjs and TensorFlow). Four channels per vector: a first pass finds each lane's winning window
// position, a second adds dy where the lane's winner is that position.
#include "common.h"

// dx of images b0 .. b1 - 1 (zeroed first).
static void pool_grad_images(const float* x, const float* dy, float* dx, int b0, int b1, int inH, int inW, int C,
                             int outH, int outW, int filterH, int filterW, int strideH, int strideW, int dilationH,
                             int dilationW, int padTop, int padLeft) {
  zero(dx + b0 * inH * inW * C, (b1 - b0) * inH * inW * C);
  const int c4 = C & ~3;
  for (int b = b0; b < b1; b++) {
    const float* xb = x + b * inH * inW * C;
    float* dxb = dx + b * inH * inW * C;
    for (int oh = 0; oh < outH; oh++) {
      const int h0 = oh * strideH - padTop;
      int rLo, rHi;
      taps(h0, dilationH, filterH, inH, &rLo, &rHi);
      for (int ow = 0; ow < outW; ow++) {
        const int w0 = ow * strideW - padLeft;
        int sLo, sHi;
        taps(w0, dilationW, filterW, inW, &sLo, &sHi);
        if (rLo >= rHi || sLo >= sHi) continue;  // A window entirely in the padding.
        const float* g = dy + ((b * outH + oh) * outW + ow) * C;
        // Window positions (h * inW + w) in scan order; the first one starts as the maximum.
        const int first = (h0 + rLo * dilationH) * inW + w0 + sLo * dilationW;
        for (int c = 0; c < c4; c += 4) {
          v128_t best = wasm_v128_load(xb + first * C + c);
          v128_t bestAt = wasm_i32x4_splat(first);
          for (int r = rLo; r < rHi; r++)
            for (int s = sLo; s < sHi; s++) {
              const int at = (h0 + r * dilationH) * inW + w0 + s * dilationW;
              const v128_t v = wasm_v128_load(xb + at * C + c);
              const v128_t better = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, better);
              bestAt = wasm_v128_bitselect(wasm_i32x4_splat(at), bestAt, better);
            }
          const v128_t gv = wasm_v128_load(g + c);
          for (int r = rLo; r < rHi; r++)
            for (int s = sLo; s < sHi; s++) {
              const int at = (h0 + r * dilationH) * inW + w0 + s * dilationW;
              const v128_t mine = wasm_i32x4_eq(bestAt, wasm_i32x4_splat(at));
              float* o = dxb + at * C + c;
              wasm_v128_store(o, wasm_f32x4_add(wasm_v128_load(o), wasm_v128_and(gv, mine)));
            }
        }
        for (int c = c4; c < C; c++) {
          float best = xb[first * C + c];
          int bestAt = first;
          for (int r = rLo; r < rHi; r++)
            for (int s = sLo; s < sHi; s++) {
              const int at = (h0 + r * dilationH) * inW + w0 + s * dilationW;
              if (xb[at * C + c] > best) {
                best = xb[at * C + c];
                bestAt = at;
              }
            }
          dxb[bestAt * C + c] += g[c];
        }
      }
    }
  }
}

EXPORT("max_pool_grad")
void max_pool_grad(const float* x, const float* dy, float* dx, int batch, int inH, int inW, int C, int outH,
                   int outW, int outC, int filterH, int filterW, int strideH, int strideW, int dilationH,
                   int dilationW, int padTop, int padLeft) {
  (void)outC;  // A pool's geometry: outC equals C.
  pool_grad_images(x, dy, dx, 0, batch, inH, inW, C, outH, outW, filterH, filterW, strideH, strideW, dilationH,
                   dilationW, padTop, padLeft);
}

// The same, `chunk` images per task, which every thread calling this takes from `*next` until none is left
// (the images' dx are disjoint).
EXPORT("max_pool_grad_tasks")
void max_pool_grad_tasks(const float* x, const float* dy, float* dx, int batch, int inH, int inW, int C, int outH,
                         int outW, int outC, int filterH, int filterW, int strideH, int strideW, int dilationH,
                         int dilationW, int padTop, int padLeft, int chunk, int* next) {
  (void)outC;
  for (;;) {
    const int b0 = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED) * chunk;
    if (b0 >= batch) return;
    pool_grad_images(x, dy, dx, b0, b0 + chunk < batch ? b0 + chunk : batch, inH, inW, C, outH, outW, filterH,
                     filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft);
  }
}
