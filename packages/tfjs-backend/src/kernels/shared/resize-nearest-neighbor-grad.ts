/** Shape and options of a nearest-neighbour resize, as tfjs' ResizeNearestNeighbor uses them. */
export interface ResizeNearestInfo {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** The resize of ResizeNearestNeighborGrad: `images` the resize's input (NHWC), `dy` its output's gradient. */
export function resizeNearestInfo(
  images: readonly number[],
  dy: readonly number[],
  attrs: { alignCorners: boolean; halfPixelCenters: boolean },
): ResizeNearestInfo {
  const [batch, inHeight, inWidth, channels] = images as [number, number, number, number];
  const [, outHeight, outWidth] = dy as [number, number, number, number];
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight,
    outWidth,
    alignCorners: attrs.alignCorners,
    halfPixelCenters: attrs.halfPixelCenters,
  };
}

function sourceIndex(
  i: number,
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): number {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
  let src = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
  if (halfPixelCenters) src = Math.max(0, src);
  return src;
}

function floorMapped(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): boolean {
  for (let i = 0; i < outSize; i++) {
    if (
      sourceIndex(i, inSize, outSize, alignCorners, halfPixelCenters) !== Math.floor((i * inSize) / outSize)
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Whether the resize copies output pixel (r, c) from input pixel (floor(r * inH / outH), floor(c * inW /
 * outW)) exactly, the integer mapping that native kernels compute (true for UpSampling2D).
 */
export function usesFloorMapping(info: ResizeNearestInfo): boolean {
  const { inHeight, inWidth, outHeight, outWidth, alignCorners, halfPixelCenters } = info;
  return (
    floorMapped(inHeight, outHeight, alignCorners, halfPixelCenters) &&
    floorMapped(inWidth, outWidth, alignCorners, halfPixelCenters)
  );
}

/**
 * Gradient of ResizeNearestNeighbor in NHWC: the exact adjoint of the forward kernel's index mapping
 * (each output pixel adds its gradient to the input pixel it was copied from). `dx` must be zero-filled.
 */
export function resizeNearestNeighborGradInto(
  dy: Float32Array,
  dx: Float32Array,
  info: ResizeNearestInfo,
): void {
  const { batch, inHeight, inWidth, channels: C, outHeight, outWidth, alignCorners, halfPixelCenters } = info;
  const rows = Int32Array.from({ length: outHeight }, (_, r) =>
    sourceIndex(r, inHeight, outHeight, alignCorners, halfPixelCenters),
  );
  const cols = Int32Array.from({ length: outWidth }, (_, c) =>
    sourceIndex(c, inWidth, outWidth, alignCorners, halfPixelCenters),
  );
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xBatch = b * inHeight * inWidth * C;
    for (let r = 0; r < outHeight; r++) {
      const xRow = xBatch + (rows[r] as number) * inWidth * C;
      for (let c = 0; c < outWidth; c++) {
        const base = xRow + (cols[c] as number) * C;
        for (let d = 0; d < C; d++) {
          dx[base + d] = (dx[base + d] as number) + (dy[o++] as number);
        }
      }
    }
  }
}

/**
 * For each input index along one axis, the output indices copied from it, as `[first, end)` pairs in one
 * array (`[first0, end0, first1, end1, ...]`; `first == end` when none is): the forward mapping is
 * non-decreasing, so each input index is copied to one contiguous run of outputs. GPU kernels read these
 * instead of recomputing the mapping in 32-bit floats, whose rounding can move a boundary.
 */
export function sourceRuns(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): Int32Array {
  const runs = new Int32Array(2 * inSize);
  let previous = -1;
  for (let o = 0; o < outSize; o++) {
    const src = sourceIndex(o, inSize, outSize, alignCorners, halfPixelCenters);
    if (src !== previous) runs[2 * src] = o;
    runs[2 * src + 1] = o + 1;
    previous = src;
  }
  return runs;
}
