import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainableModel } from '@aekit/core';
import { CHECKPOINT_MANIFEST, DataError } from '@aekit/core';
import { loadCheckpoint, loadTrainableModel } from '@aekit/core/node';
import { createTfjsBackend, DEVICES, type Device } from '@aekit/tfjs-backend';
import { Option } from 'commander';
import { choiceOption } from '../parse-options.js';

/** The `--device` option of commands that load a checkpoint into tfjs. */
export function deviceOption(): Option {
  return new Option('--device <device>', `where tfjs runs: ${Object.keys(DEVICES).join(', ')}`)
    .argParser(choiceOption('--device', Object.keys(DEVICES) as (keyof typeof DEVICES)[]))
    .default('auto');
}

/** A trained checkpoint directory loaded into tfjs, with the `meta` that `aekit train` stored in it. */
export async function loadCheckpointModel(
  dir: string,
  device: Device,
): Promise<{ model: TrainableModel; meta: Record<string, unknown> }> {
  if (!existsSync(join(dir, CHECKPOINT_MANIFEST))) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `--checkpoint ${dir}: no ${CHECKPOINT_MANIFEST} there; pass the run directory of "aekit train" (e.g. runs/vae)`,
      { details: { expected: join(dir, CHECKPOINT_MANIFEST), actual: dir } },
    );
  }
  const { meta = {} } = await loadCheckpoint(dir);
  const backend = createTfjsBackend(device === 'auto' ? {} : { device });
  const model = await loadTrainableModel(dir, backend);
  return { model, meta };
}
