import {
  type KernelConfig,
  type KernelFunc,
  ResizeNearestNeighborGrad,
  type ResizeNearestNeighborGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { resizeNearestInfo, sourceRuns } from '../shared/resize-nearest-neighbor-grad.js';
import {
  computeDispatch,
  flatDispatchLayout,
  mainHeader,
  type WebGpuBackendLike,
  type WebGpuProgram,
} from './program.js';

/**
 * Each input pixel (b, i, j, d) sums dy over the output rows and columns copied from it: the runs
 * [rows[2i], rows[2i + 1]) and [cols[2j], cols[2j + 1]) of the forward mapping, computed on the host exactly as
 * the forward kernel maps (tfjs-backend-webgpu's own kernel searches a window in 32-bit floats and gets 2x
 * upsampling wrong: 15.9 where the values are at most 8).
 */
class ResizeNearestNeighborGradProgram implements WebGpuProgram {
  readonly variableNames = ['dy', 'rows', 'cols'];
  readonly shaderKey = 'aekitResizeNearestNeighborGrad';
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];

  constructor(readonly outputShape: number[]) {
    this.dispatchLayout = flatDispatchLayout(outputShape);
    this.dispatch = computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      ${mainHeader('index')} {
        if (index < uniforms.size) {
          let coords = getOutputCoords();
          let b = coords[0];
          let i = coords[1];
          let j = coords[2];
          let d = coords[3];
          let r0 = i32(getRows(2 * i));
          let r1 = i32(getRows(2 * i + 1));
          let c0 = i32(getCols(2 * j));
          let c1 = i32(getCols(2 * j + 1));
          var sum = 0.0;
          for (var r = r0; r < r1; r++) {
            for (var c = c0; c < c1; c++) {
              sum += getDy(b, r, c, d);
            }
          }
          setOutputAtIndex(index, sum);
        }
      }
    `;
  }
}

/** Gradient of nearest-neighbour resizing (UpSampling2D) for the WebGPU backend. */
export function resizeNearestNeighborGrad(args: {
  inputs: { images: TensorInfo; dy: TensorInfo };
  backend: WebGpuBackendLike;
  attrs: ResizeNearestNeighborGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const info = resizeNearestInfo(images.shape, dy.shape, attrs);
  const { inHeight, inWidth, outHeight, outWidth, alignCorners, halfPixelCenters } = info;
  const runs = (inSize: number, outSize: number) =>
    backend.makeTensorInfo(
      [2 * inSize],
      'int32',
      sourceRuns(inSize, outSize, alignCorners, halfPixelCenters),
    );
  const rows = runs(inHeight, outHeight);
  const cols = runs(inWidth, outWidth);
  const program = new ResizeNearestNeighborGradProgram([...images.shape]);
  const out = backend.runWebGPUProgram(program, [dy, rows, cols], 'float32');
  backend.disposeData(rows.dataId);
  backend.disposeData(cols.dataId);
  return out;
}

export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'webgpu',
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};
