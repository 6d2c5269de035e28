import { AekitError } from '../errors.js';
import { trainingBackends } from '../registries.js';
import type { TrainableModel, TrainingBackend } from '../training.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-io.js';

/**
 * Saves a model as a checkpoint directory (core's format: `checkpoint.json` with the spec and manifests,
 * `weights.bin`, `optimizer.bin` with Adam's slots), atomically. `meta` is stored as free-form facts.
 */
export async function saveTrainableModel(
  dir: string,
  model: TrainableModel,
  meta?: Record<string, unknown>,
): Promise<void> {
  await saveCheckpoint(dir, {
    spec: model.spec,
    weights: model.getWeights(),
    training: model.getTrainingState(),
    backend: model.backendName,
    ...(meta ? { meta } : {}),
  });
}

/**
 * Loads a checkpoint directory into a new model of `backend` (default: the best registered training backend,
 * e.g. 'tfjs' once `@aekit/tfjs-backend` is imported), with its weights, step, epoch and optimizer state, ready to resume.
 * The checkpoint's `meta` is read with `loadCheckpoint`. `forTraining: false` loads the weights only (inference).
 */
export async function loadTrainableModel(
  dir: string,
  backend?: TrainingBackend,
  options: { forTraining?: boolean } = {},
): Promise<TrainableModel> {
  // For inference only (forTraining false) the optimizer's files are not read: a damaged one is no obstacle.
  const checkpoint = await loadCheckpoint(dir, { optimizer: options.forTraining !== false });
  const chosen = backend ?? (await trainingBackends.resolve()).backend;
  const model = await chosen.createModel(checkpoint.spec);
  try {
    model.setWeights(checkpoint.weights);
    model.setTrainingState(checkpoint.training);
  } catch (error) {
    model.dispose();
    if (AekitError.isInstance(error)) throw error;
    throw new AekitError(
      'CHECKPOINT_INVALID',
      `checkpoint ${dir} does not fit its own spec: ${String(error)}`,
      { cause: error },
    );
  }
  return model;
}
