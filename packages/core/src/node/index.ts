// Node-only helpers (file system): `@aekit/core/node`.
export { temporaryPathFor, withAtomicFile, writeFileAtomic } from './atomic-file.js';
export {
  appendMetrics,
  isCheckpointFile,
  type LoadCheckpointOptions,
  loadCheckpoint,
  METRICS_LOG,
  readMetrics,
  saveCheckpoint,
  truncateMetrics,
} from './checkpoint-io.js';
export { acquireRunLock, ensureWritableDir, RUN_LOCK, type RunLock } from './run-directory.js';
export { loadTrainableModel, saveTrainableModel } from './trainable-checkpoint.js';
