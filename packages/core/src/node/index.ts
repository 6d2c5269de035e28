// Node-only helpers (file system): `@aekit/core/node`.
export { appendMetrics, loadCheckpoint, METRICS_LOG, readMetrics, saveCheckpoint } from './checkpoint-io.js';
