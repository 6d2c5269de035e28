// Input gradient of a strided 2-D convolution, that is, Conv2DTranspose's forward pass, without the
// stride's zeros (NHWC; filter [fh, fw, inC, outC] as the forward convolution's):
//
//   dx[n, oy*sh + i*dh - pt, ox*sw + j*dw - pl, c] += sum over o of dy[n, oy, ox, o] * w[i, j, c, o]
//
// For a chunk of images, one matrix product (matmul.c) gives every output position's contribution to
// every tap, cols[p][(i, j, c)] = dy[p] . w[(i, j, c)] (w read transposed in place), and a scatter adds
// each tap's inC values into dx (col2im). Dilating dy with the stride's zeros and running a stride-1
// convolution instead does sh * sw times the multiply-adds.
#include "common.h"

void matmul(const float* a, const float* b, const float* bias, float* c, int M, int N, int K, int transA,
            int transB, float lo, float hi, int sigmoid, float* scratch);
int matmul_scratch_floats(int K);

INLINE void add_into(float* dst, const float* src, int n) {
  int c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_v128_load(src + c)));
  for (; c < n; c++) dst[c] += src[c];
}

// v = clamp(v + bias[c], lo, hi) over n pixels of C channels (bias 0: none).
static void bias_clamp(float* v, int n, int C, const float* bias, float lo, float hi) {
  const v128_t vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  const int c4 = C & ~3;
  for (int p = 0; p < n; p++, v += C) {
    int c = 0;
    for (; c < c4; c += 4) {
      const v128_t b = bias ? wasm_v128_load(bias + c) : wasm_f32x4_splat(0.0f);
      wasm_v128_store(v + c, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(wasm_v128_load(v + c), b), vlo), vhi));
    }
    for (; c < C; c++) {
      const float x = v[c] + (bias ? bias[c] : 0.0f);
      v[c] = x < lo ? lo : x > hi ? hi : x;
    }
  }
}

// dx of images n0 .. n0 + images - 1 (zeroed first, then the product and the scatter-add), then, where
// `fused`, its bias and clamp while the images are still in cache (Conv2DTranspose + bias + ReLU).
static void transpose_images(const float* dy, const float* w, float* dx, float* scratch, int n0, int images,
                             int inH, int inW, int inC, int outH, int outW, int outC, int fh, int fw, int sh,
                             int sw, int dh, int dw, int pt, int pl, int fused, const float* bias, float lo,
                             float hi) {
  const int width = fh * fw * inC;
  const int positions = outH * outW;
  float* cols = scratch + matmul_scratch_floats(outC);
  zero(dx + n0 * inH * inW * inC, images * inH * inW * inC);
  matmul(dy + n0 * positions * outC, w, 0, cols, images * positions, width, outC, 0, 1, -__builtin_inff(),
         __builtin_inff(), 0, scratch);
  for (int n = 0; n < images; n++) {
    float* image = dx + (n0 + n) * inH * inW * inC;
    for (int oy = 0; oy < outH; oy++) {
      int i0, i1;
      taps(oy * sh - pt, dh, fh, inH, &i0, &i1);
      for (int ox = 0; ox < outW; ox++) {
        int j0, j1;
        taps(ox * sw - pl, dw, fw, inW, &j0, &j1);
        const float* p = cols + ((n * outH + oy) * outW + ox) * width;
        for (int i = i0; i < i1; i++) {
          float* row = image + (oy * sh + i * dh - pt) * inW * inC;
          for (int j = j0; j < j1; j++) add_into(row + (ox * sw + j * dw - pl) * inC, p + (i * fw + j) * inC, inC);
        }
      }
    }
  }
  if (fused) bias_clamp(dx + n0 * inH * inW * inC, images * inH * inW, inC, bias, lo, hi);
}

// scratch: matmul_scratch_floats(outC) floats, then chunk * outH * outW * fh * fw * inC floats (cols).
// With `fused`, dx = clamp(dx + bias, lo, hi) (bias: inC floats, or 0 for none).
EXPORT("conv2d_transpose")
void conv2d_transpose(const float* dy, const float* w, float* dx, float* scratch, int chunk, int batch, int inH,
                      int inW, int inC, int outH, int outW, int outC, int fh, int fw, int sh, int sw, int dh, int dw,
                      int pt, int pl, int fused, const float* bias, float lo, float hi) {
  for (int n0 = 0; n0 < batch; n0 += chunk) {
    transpose_images(dy, w, dx, scratch, n0, batch - n0 < chunk ? batch - n0 : chunk, inH, inW, inC, outH, outW,
                     outC, fh, fw, sh, sw, dh, dw, pt, pl, fused, bias, lo, hi);
  }
}

// The same, one chunk of images per task, which every thread calling this (each with its own scratch) takes
// from `*next` until none is left: the images' dx are disjoint, so the result does not depend on who ran what.
EXPORT("conv2d_transpose_tasks")
void conv2d_transpose_tasks(const float* dy, const float* w, float* dx, float* scratch, int chunk, int batch,
                            int inH, int inW, int inC, int outH, int outW, int outC, int fh, int fw, int sh, int sw,
                            int dh, int dw, int pt, int pl, int fused, const float* bias, float lo, float hi,
                            int* next) {
  for (;;) {
    const int n0 = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED) * chunk;
    if (n0 >= batch) return;
    transpose_images(dy, w, dx, scratch, n0, batch - n0 < chunk ? batch - n0 : chunk, inH, inW, inC, outH, outW,
                     outC, fh, fw, sh, sw, dh, dw, pt, pl, fused, bias, lo, hi);
  }
}
