import { AekitError, type TrainableModel, type TrainingBackend, trainingBackends } from '@aekit/core';

/**
 * Saves a model as a checkpoint directory (core's format: `checkpoint.json` with the spec and manifests,
 * `weights.bin`, `optimizer.bin` with Adam's slots), atomically. `meta` is stored as free-form facts.
 */
export async function saveTrainableModel(
  dir: string,
  model: TrainableModel,
  meta?: Record<string, unknown>,
): Promise<void> {
  const { saveCheckpoint } = await import('@aekit/core/node');
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
 * 'tfjs' once this package is imported), with its weights, step, epoch and optimizer state, ready to resume.
 * The checkpoint's `meta` is read with core's `loadCheckpoint` (`@aekit/core/node`).
 */
export async function loadTrainableModel(dir: string, backend?: TrainingBackend): Promise<TrainableModel> {
  const { loadCheckpoint } = await import('@aekit/core/node');
  const checkpoint = await loadCheckpoint(dir);
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
