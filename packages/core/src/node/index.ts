// Node-only helpers (file system): `@aekit/core/node`.
export { temporaryPathFor, withAtomicFile, writeFileAtomic } from './atomic-file.js';
export { appendMetrics, loadCheckpoint, METRICS_LOG, readMetrics, saveCheckpoint } from './checkpoint-io.js';
export { loadTrainableModel, saveTrainableModel } from './trainable-checkpoint.js';
