import type * as TfCore from '@tensorflow/tfjs-core';

/**
 * The tfjs-core namespace the engine computes with. It is passed around instead of imported statically because
 * `@tensorflow/tfjs-node(-gpu)` bundles its own tfjs-core: ops must come from the instance that owns the active
 * backend.
 */
export type Tf = typeof TfCore;
export type Tensor = TfCore.Tensor;
export type Variable = TfCore.Variable;
export type Scalar = TfCore.Scalar;
