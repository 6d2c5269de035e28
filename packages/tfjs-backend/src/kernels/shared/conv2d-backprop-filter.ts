import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * Filter gradient of an NHWC 2-D convolution, accumulated output pixel by output pixel so that every
 * inner loop runs over contiguous memory (the stock tfjs CPU kernel strides through the batch for each
 * filter element). Zero inputs (ReLU outputs) are skipped. Returns `[kh, kw, ci, co]`.
 */
export function conv2dBackpropFilterNhwc(
  x: Float32Array,
  dy: Float32Array,
  info: backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const {
    filterHeight: kh,
    filterWidth: kw,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
  } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dw = new Float32Array(kh * kw * ci * co);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOff = ((b * outHeight + oh) * outWidth + ow) * co;
        for (let r = 0; r < kh; r++) {
          const h = oh * strideHeight - top + r * dilationHeight;
          if (h < 0 || h >= inHeight) continue;
          for (let s = 0; s < kw; s++) {
            const w = ow * strideWidth - left + s * dilationWidth;
            if (w < 0 || w >= inWidth) continue;
            const xOff = ((b * inHeight + h) * inWidth + w) * ci;
            const wOff = (r * kw + s) * ci * co;
            for (let c = 0; c < ci; c++) {
              const xv = x[xOff + c] as number;
              if (xv === 0) continue;
              const o = wOff + c * co;
              for (let k = 0; k < co; k++) dw[o + k] = (dw[o + k] as number) + xv * (dy[dyOff + k] as number);
            }
          }
        }
      }
    }
  }
  return dw;
}
