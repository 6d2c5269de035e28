import { BackendRegistry } from './backend-registry.js';
import type { TrainingBackend } from './training.js';

/** Training backends register here when their package is imported (e.g. `@aekit/tfjs-backend`). */
export const trainingBackends: BackendRegistry<TrainingBackend> = new BackendRegistry<TrainingBackend>(
  'training',
);
