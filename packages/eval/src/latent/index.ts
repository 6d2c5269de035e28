export { encodeAll } from './encode.js';
export { type LinearProbe, type LinearProbeOptions, trainLinearProbe } from './linear-probe.js';
export { projectPca2d, projectUmap2d } from './projections.js';
export { precisionAtK } from './retrieval.js';
export { fitStandardizer, type Standardizer, standardize } from './standardizer.js';
