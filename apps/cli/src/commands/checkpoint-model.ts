import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_MANIFEST, DataError, DEVICE_NAMES, type Device, type TrainableModel } from '@aekit/core';
import { loadCheckpoint, loadTrainableModel } from '@aekit/core/node';
import { createTfjsBackend } from '@aekit/tfjs-backend';
import { Option } from 'commander';
import { choiceOption } from '../parse-options.js';
import type { TableOptions } from '../user-data.js';

/** The `--device` option (the project's device words, default auto); `what` says what runs there. */
export function deviceOption(what = 'where tfjs runs'): Option {
  return new Option('--device <device>', `${what}: ${DEVICE_NAMES.join(', ')}`)
    .argParser(choiceOption('--device', DEVICE_NAMES))
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
  const { meta = {} } = await loadCheckpoint(dir, { optimizer: false });
  const backend = createTfjsBackend(device === 'auto' ? {} : { device });
  // Inference only: the optimizer's state is not read, so a damaged optimizer file does not block it.
  const model = await loadTrainableModel(dir, backend, { forTraining: false });
  return { model, meta };
}

/** The table options a `--data` run was trained with (its columns, label column, skipped lines, image size). */
export function checkpointTableOptions(meta: Record<string, unknown>): TableOptions {
  const o = (meta.options ?? {}) as Record<string, unknown>;
  return {
    ...(Array.isArray(o.columns) && { columns: o.columns as string[] }),
    ...(typeof o.labelColumn === 'string' && { labelColumn: o.labelColumn }),
    ...(typeof o.idColumn === 'string' && { idColumn: o.idColumn }),
    ...(typeof o.skipLines === 'number' && { skipLines: o.skipLines }),
    ...(Array.isArray(o.imageSize) && { imageSize: o.imageSize as number[] }),
    ...(typeof o.channels === 'number' && { channels: o.channels }),
    ...(typeof o.fit === 'string' && { fit: o.fit as TableOptions['fit'] }),
    ...(typeof o.array === 'string' && { array: o.array }),
    ...(typeof o.missing === 'string' && { missing: o.missing as TableOptions['missing'] }),
  };
}
