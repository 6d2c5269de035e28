// Test helpers for aekit's ONNX exports (Node only): `@aekit/onnx-backend/testing`. Another package's or
// backend's tests check their models against the exports with these, through this public entry.

export { layerSpecs } from './layer-specs.js';
export { checkerUnavailable, checkModels } from './onnx-checker.js';
export { type Forward, partDiffs, type ReferenceOutputs } from './parity.js';
export { withPlainConvs } from './plain-convs.js';
export { maxAbsDiff, randomBatch, randomWeights } from './random.js';
export { parseWithGoogleTextFormat, tritonCheckerUnavailable } from './triton-config-checker.js';
