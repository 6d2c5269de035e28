import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-webgpu's program interface (`WebGPUProgram`) and backend that aekit's kernels use,
 * typed here so that importing the kernels does not load tfjs-backend-webgpu (only the webgpu device does).
 * tfjs generates the shader around `getUserCode()`: the uniforms (`uniforms.size` with `size: true`), an
 * accessor per input (`getDy(b, r, c, d)`, `getRows(i)`), `getOutputCoords()` and `setOutputAtIndex`.
 */
export interface WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms?: string;
  workgroupSize: [number, number, number];
  size?: boolean;
  getUserCode(): string;
}

export interface WebGpuBackendLike {
  makeTensorInfo(shape: number[], dtype: DataType, values?: ArrayLike<number>): TensorInfo;
  disposeData(dataId: object): boolean;
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: TensorInfo[],
    outputDtype: DataType,
    programUniforms?: Array<{ type: string; data: number[] }>,
  ): TensorInfo;
}

/** The entry point's header, as tfjs-backend-webgpu's `getMainHeaderString('index')` writes it. */
export function mainHeader(index: string): string {
  return `fn main(${index} : i32)`;
}

/** Every output axis on the x dimension of the dispatch (tfjs' `flatDispatchLayout`). */
export function flatDispatchLayout(shape: readonly number[]): { x: number[] } {
  return { x: shape.map((_, i) => i) };
}

/** Workgroups per dispatch dimension (tfjs' `computeDispatch` with one element per thread). */
export function computeDispatch(
  layout: { x: number[] },
  outputShape: readonly number[],
  workgroupSize: readonly [number, number, number],
): [number, number, number] {
  const size = layout.x.reduce((n, axis) => n * (outputShape[axis] as number), 1);
  return [Math.ceil(size / workgroupSize[0]), 1, 1];
}
