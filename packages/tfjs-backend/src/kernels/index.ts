/**
 * Training kernels aekit registers on tfjs backends whose stock kernel is missing or slow
 * (filled in by the kernels work; see issue "Fast training without native TensorFlow").
 */
export function registerTrainingKernels(_backendName: string): void {}
