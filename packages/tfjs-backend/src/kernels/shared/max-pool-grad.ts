import { backend_util, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

/** The pooling geometry of a MaxPoolGrad call (every backend's kernel starts from it). */
export function maxPoolGradInfo(input: TensorInfo, attrs: MaxPoolGradAttrs): backend_util.Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  return backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
}

/**
 * Max-pool gradient in NHWC: each output's gradient goes to the first maximum of its window (scan
 * order, as tfjs and TensorFlow). Window positions are visited once for all channels, so the inner loop
 * is contiguous. `dx` must be zero-filled.
 */
export function maxPoolGradInto(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const dh = info.dilationHeight;
  const dw = info.dilationWidth;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const best = new Float32Array(C);
  const bestIdx = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * C;
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - top;
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - left;
        let first = true;
        for (let r = 0; r < fh; r += dh) {
          const h = hStart + r;
          if (h < 0 || h >= inHeight) continue;
          for (let s = 0; s < fw; s += dw) {
            const w = wStart + s;
            if (w < 0 || w >= inWidth) continue;
            const base = xBatch + (h * inWidth + w) * C;
            if (first) {
              for (let c = 0; c < C; c++) {
                best[c] = x[base + c] as number;
                bestIdx[c] = base + c;
              }
              first = false;
            } else {
              for (let c = 0; c < C; c++) {
                const v = x[base + c] as number;
                if (v > (best[c] as number)) {
                  best[c] = v;
                  bestIdx[c] = base + c;
                }
              }
            }
          }
        }
        if (first) continue;
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * C;
        for (let c = 0; c < C; c++) {
          const i = bestIdx[c] as number;
          dx[i] = (dx[i] as number) + (dy[dyBase + c] as number);
        }
      }
    }
  }
}
