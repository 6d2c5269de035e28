import { BackendRegistry } from './backend-registry.js';
import { registerCoreCopy } from './single-copy.js';
import type { TrainingBackend } from './training.js';

/** Training backends register here when their package is imported (e.g. `@aekit/tfjs-backend`). */
export const trainingBackends: BackendRegistry<TrainingBackend> = new BackendRegistry<TrainingBackend>(
  'training',
);

// The registries are this module's state: say so when another copy of core holds its own.
registerCoreCopy(import.meta.url);
