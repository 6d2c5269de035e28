import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_OPTIMIZER,
  CHECKPOINT_VERSION,
  CHECKPOINT_WEIGHTS,
  type Checkpoint,
  type CheckpointManifest,
} from '../checkpoint.js';
import { AekitError } from '../errors.js';
import { validateSpec } from '../spec/validate.js';
import type { EpochMetrics } from '../training.js';
import { checkWeights, packWeights, unpackWeights } from '../weights.js';

function toBytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function toFloats(bytes: Buffer, what: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new AekitError(
      'CHECKPOINT_INVALID',
      `${what} has ${bytes.byteLength} bytes, not a whole number of float32 values`,
    );
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/**
 * Writes a checkpoint directory atomically: everything goes to a temporary sibling directory first, which then
 * replaces `dir` in one rename, so a crash never leaves a half-written checkpoint.
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const target = resolve(dir);
  const weights = packWeights(checkWeights(checkpoint.spec, checkpoint.weights));
  const optimizer = checkpoint.training.optimizer ? packWeights(checkpoint.training.optimizer) : undefined;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    ...(checkpoint.backend ? { backend: checkpoint.backend } : {}),
    spec: checkpoint.spec,
    weights: weights.manifest,
    training: {
      step: checkpoint.training.step,
      epoch: checkpoint.training.epoch,
      ...(optimizer ? { optimizer: optimizer.manifest } : {}),
      ...(checkpoint.training.optimizerConfig
        ? { optimizerConfig: checkpoint.training.optimizerConfig }
        : {}),
    },
    ...(checkpoint.meta ? { meta: checkpoint.meta } : {}),
  };
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  const old = `${target}.old-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, CHECKPOINT_WEIGHTS), toBytes(weights.data));
    if (optimizer) await writeFile(join(tmp, CHECKPOINT_OPTIMIZER), toBytes(optimizer.data));
    await writeFile(join(tmp, CHECKPOINT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // Keep files that are not part of the checkpoint (metrics.jsonl, pictures) by moving only ours.
    let hadOld = false;
    try {
      await rename(target, old);
      hadOld = true;
    } catch {
      // no previous checkpoint
    }
    await rename(tmp, target);
    if (hadOld) {
      const { readdir } = await import('node:fs/promises');
      const ours = new Set([CHECKPOINT_MANIFEST, CHECKPOINT_WEIGHTS, CHECKPOINT_OPTIMIZER]);
      for (const name of await readdir(old)) {
        if (!ours.has(name)) await rename(join(old, name), join(target, name));
      }
      await rm(old, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads and checks a checkpoint directory (manifest format, spec, weight names/shapes, blob length). */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const manifestPath = join(dir, CHECKPOINT_MANIFEST);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    throw new AekitError('CHECKPOINT_INVALID', `no checkpoint at ${dir}: cannot read ${manifestPath}`, {
      cause,
    });
  }
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(text) as CheckpointManifest;
  } catch (cause) {
    throw new AekitError('CHECKPOINT_INVALID', `${manifestPath} is not valid JSON`, { cause });
  }
  if (manifest.format !== CHECKPOINT_FORMAT || manifest.version !== CHECKPOINT_VERSION) {
    throw new AekitError(
      'CHECKPOINT_INVALID',
      `${manifestPath}: expected format ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION}, got ${String(manifest.format)} v${String(manifest.version)}`,
    );
  }
  const spec = validateSpec(manifest.spec);
  const blob = toFloats(await readFile(join(dir, CHECKPOINT_WEIGHTS)), join(dir, CHECKPOINT_WEIGHTS));
  const weights = checkWeights(spec, unpackWeights(manifest.weights, blob));
  let optimizer: Checkpoint['training']['optimizer'];
  if (manifest.training.optimizer) {
    const optBlob = toFloats(
      await readFile(join(dir, CHECKPOINT_OPTIMIZER)),
      join(dir, CHECKPOINT_OPTIMIZER),
    );
    optimizer = unpackWeights(manifest.training.optimizer, optBlob);
  }
  return {
    spec,
    weights,
    training: {
      step: manifest.training.step,
      epoch: manifest.training.epoch,
      ...(optimizer ? { optimizer } : {}),
      ...(manifest.training.optimizerConfig ? { optimizerConfig: manifest.training.optimizerConfig } : {}),
    },
    ...(manifest.backend ? { backend: manifest.backend } : {}),
    ...(manifest.meta ? { meta: manifest.meta } : {}),
  };
}

export const METRICS_LOG = 'metrics.jsonl';

/** Appends one epoch's metrics as a JSON line to `dir/metrics.jsonl`. */
export async function appendMetrics(
  dir: string,
  metrics: EpochMetrics & Record<string, unknown>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, METRICS_LOG), `${JSON.stringify(metrics)}\n`);
}

/** Reads `dir/metrics.jsonl` (empty when absent). */
export async function readMetrics(dir: string): Promise<EpochMetrics[]> {
  let text: string;
  try {
    text = await readFile(join(dir, METRICS_LOG), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EpochMetrics);
}
