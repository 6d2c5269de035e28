import {
  type backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { maxPoolGradInfo } from '../shared/max-pool-grad.js';
import {
  computeDispatch,
  flatDispatchLayout,
  mainHeader,
  type WebGpuBackendLike,
  type WebGpuProgram,
} from './program.js';

/**
 * Each input pixel (b, h, w, d) sums dy over the pooling windows whose first maximum (in scan order: rows, then
 * columns, padding skipped) it is, as tfjs' CPU kernel, aekit's wasm kernel and TensorFlow do.
 * tfjs-backend-webgpu's own kernel breaks ties differently, and ties are the rule after a ReLU (zeros).
 * The geometry is compiled into the shader (one per pooling configuration).
 */
class MaxPoolGradProgram implements WebGpuProgram {
  readonly variableNames = ['dy', 'x'];
  readonly shaderKey: string;
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];

  constructor(private readonly info: backend_util.Conv2DInfo) {
    this.outputShape = [...info.inShape];
    this.dispatchLayout = flatDispatchLayout(this.outputShape);
    this.dispatch = computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
    this.shaderKey = `aekitMaxPoolGrad_${this.geometry().join('_')}`;
  }

  private geometry(): [number, number, number, number, number, number, number, number, number, number] {
    const i = this.info;
    return [
      i.inHeight,
      i.inWidth,
      i.outHeight,
      i.outWidth,
      i.effectiveFilterHeight,
      i.effectiveFilterWidth,
      i.strideHeight,
      i.strideWidth,
      i.padInfo.top,
      i.padInfo.left,
    ];
  }

  getUserCode(): string {
    const [inH, inW, outH, outW, fh, fw, sh, sw, top, left] = this.geometry();
    return `
      ${mainHeader('index')} {
        if (index < uniforms.size) {
          let coords = getOutputCoords();
          let b = coords[0];
          let h = coords[1];
          let w = coords[2];
          let d = coords[3];
          // The windows that may hold (h, w): a superset, checked below.
          let ohFirst = max(0, (h + ${top} - ${fh - 1}) / ${sh} - 1);
          let ohLast = min(${outH - 1}, (h + ${top}) / ${sh});
          let owFirst = max(0, (w + ${left} - ${fw - 1}) / ${sw} - 1);
          let owLast = min(${outW - 1}, (w + ${left}) / ${sw});
          var sum = 0.0;
          for (var oh = ohFirst; oh <= ohLast; oh++) {
            let hStart = oh * ${sh} - ${top};
            if (h < hStart || h >= hStart + ${fh}) { continue; }
            for (var ow = owFirst; ow <= owLast; ow++) {
              let wStart = ow * ${sw} - ${left};
              if (w < wStart || w >= wStart + ${fw}) { continue; }
              var found = false;
              var best = 0.0;
              var bestH = -1;
              var bestW = -1;
              for (var r = 0; r < ${fh}; r++) {
                let hh = hStart + r;
                if (hh < 0 || hh >= ${inH}) { continue; }
                for (var s = 0; s < ${fw}; s++) {
                  let ww = wStart + s;
                  if (ww < 0 || ww >= ${inW}) { continue; }
                  let v = getX(b, hh, ww, d);
                  if (!found || v > best) {
                    found = true;
                    best = v;
                    bestH = hh;
                    bestW = ww;
                  }
                }
              }
              if (bestH == h && bestW == w) {
                sum += getDy(b, oh, ow, d);
              }
            }
          }
          setOutputAtIndex(index, sum);
        }
      }
    `;
  }
}

/** MaxPoolGrad for the WebGPU backend (first maximum of each window, as the CPU kernel). */
export function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: WebGpuBackendLike;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = maxPoolGradInfo(input, attrs);
  return backend.runWebGPUProgram(new MaxPoolGradProgram(info), [dy, input], 'float32');
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'webgpu',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
