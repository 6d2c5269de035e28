import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_OPTIMIZER,
  CHECKPOINT_VERSION,
  CHECKPOINT_WEIGHTS,
  type Checkpoint,
  type CheckpointFile,
  type CheckpointManifest,
} from '../checkpoint.js';
import { AekitError } from '../errors.js';
import { validateSpec } from '../spec/validate.js';
import type { NamedTensor } from '../tensor.js';
import type { EpochMetrics } from '../training.js';
import { checkWeights, packWeights, unpackWeights, type WeightEntry } from '../weights.js';
import { writeFileAtomic } from './atomic-file.js';

/** Binary files a checkpoint writes: `<kind>-<first 16 hex digits of their SHA-256>.bin`. */
const BLOB = /^(weights|optimizer|best)-[0-9a-f]{16}\.bin$/;
/** Temporary files of an interrupted write (see temporaryPathFor). */
const LEFTOVER = /^\.(checkpoint\.json|(weights|optimizer|best)-[0-9a-f]{16}\.bin)\..*\.tmp$/;

/**
 * True for a file a checkpoint consists of, in any version: `checkpoint.json`, its binary files (v2's
 * `weights-<hash>.bin` ..., v1's `weights.bin`, `optimizer.bin`) and leftovers of an interrupted write.
 */
export function isCheckpointFile(name: string): boolean {
  return (
    name === CHECKPOINT_MANIFEST ||
    name === CHECKPOINT_WEIGHTS ||
    name === CHECKPOINT_OPTIMIZER ||
    BLOB.test(name) ||
    LEFTOVER.test(name)
  );
}

function toBytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The first non-finite value of a set of tensors, as `name[index] = value`, and how many there are. */
function nonFinite(tensors: readonly NamedTensor[]): { count: number; first?: string } {
  let count = 0;
  let first: string | undefined;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i]!;
      if (!Number.isFinite(v)) {
        count++;
        first ??= `${t.name}[${i}] = ${v}`;
      }
    }
  }
  return { count, first };
}

function checkFinite(tensors: readonly NamedTensor[], what: string): void {
  const { count, first } = nonFinite(tensors);
  if (count > 0) {
    throw new AekitError(
      'CHECKPOINT_INVALID',
      `${what} hold ${count} non-finite value${count === 1 ? '' : 's'} (first: ${first}); a checkpoint never stores them. The training diverged: lower the learning rate, or check the data`,
      { details: { count, first } },
    );
  }
}

async function writeBlob(dir: string, kind: string, data: Float32Array): Promise<CheckpointFile> {
  const bytes = toBytes(data);
  const hash = sha256(bytes);
  const path = `${kind}-${hash.slice(0, 16)}.bin`;
  await writeFileAtomic(join(dir, path), bytes);
  return { path, bytes: bytes.byteLength, sha256: hash };
}

/**
 * Writes a checkpoint into `dir` (created when missing; never moved or replaced): each binary file under a
 * name derived from its content, written to a temporary file in `dir`, flushed and renamed; then
 * `checkpoint.json`, the same way, last. A reader therefore always sees one complete, consistent checkpoint
 * (the previous one until the new manifest lands). Files of older checkpoints and leftovers of interrupted
 * writes are removed afterwards; other files in `dir` (metrics.jsonl, pictures) are kept. Weights or optimizer
 * slots with NaN or Infinity are refused (CHECKPOINT_INVALID) before anything is written.
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const weights = checkWeights(checkpoint.spec, checkpoint.weights);
  checkFinite(weights, 'the weights');
  const optimizer = checkpoint.training.optimizer;
  if (optimizer) checkFinite(optimizer, "the optimizer's slots");
  const best = checkpoint.training.bestWeights
    ? checkWeights(checkpoint.spec, checkpoint.training.bestWeights)
    : undefined;
  if (best) checkFinite(best, 'the best weights');
  const packed = packWeights(weights);
  const packedOptimizer = optimizer ? packWeights(optimizer) : undefined;
  const files: NonNullable<CheckpointManifest['files']> = {
    weights: await writeBlob(dir, 'weights', packed.data),
    ...(packedOptimizer ? { optimizer: await writeBlob(dir, 'optimizer', packedOptimizer.data) } : {}),
    ...(best ? { best: await writeBlob(dir, 'best', packWeights(best).data) } : {}),
  };
  const { earlyStopping } = checkpoint.training;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    ...(checkpoint.backend ? { backend: checkpoint.backend } : {}),
    spec: checkpoint.spec,
    weights: packed.manifest,
    files,
    training: {
      step: checkpoint.training.step,
      epoch: checkpoint.training.epoch,
      ...(packedOptimizer ? { optimizer: packedOptimizer.manifest } : {}),
      ...(checkpoint.training.optimizerConfig
        ? { optimizerConfig: checkpoint.training.optimizerConfig }
        : {}),
      ...(earlyStopping
        ? {
            earlyStopping: {
              ...earlyStopping,
              best: Number.isFinite(earlyStopping.best) ? earlyStopping.best : null,
            } as unknown as typeof earlyStopping,
          }
        : {}),
    },
    ...(checkpoint.meta ? { meta: checkpoint.meta } : {}),
  };
  await writeFileAtomic(join(dir, CHECKPOINT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const keep = new Set(Object.values(files).map((f) => f.path));
  for (const name of await readdir(dir)) {
    if ((BLOB.test(name) && !keep.has(name)) || LEFTOVER.test(name)) {
      await rm(join(dir, name), { force: true });
    }
  }
}

function invalid(message: string, cause?: unknown): AekitError {
  return new AekitError('CHECKPOINT_INVALID', message, cause === undefined ? {} : { cause });
}

async function readBinary(
  dir: string,
  name: string,
  file: CheckpointFile | undefined,
): Promise<Float32Array> {
  const path = join(dir, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const why =
      (cause as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'is missing'
        : `cannot be read (${(cause as Error).message})`;
    throw invalid(
      `checkpoint ${dir}: ${path} ${why}; the checkpoint is incomplete: train again, or resume from a copy of the run`,
      cause,
    );
  }
  if (file) {
    if (typeof file.sha256 !== 'string' || typeof file.bytes !== 'number') {
      throw invalid(
        `checkpoint ${dir}: ${CHECKPOINT_MANIFEST} gives no size or SHA-256 for ${path}; the manifest is damaged`,
      );
    }
    if (bytes.byteLength !== file.bytes || sha256(bytes) !== file.sha256) {
      throw invalid(
        `checkpoint ${dir}: ${path} does not match ${CHECKPOINT_MANIFEST} (${bytes.byteLength} bytes, expected ${file.bytes} with SHA-256 ${file.sha256.slice(0, 16)}...); the file was changed or damaged: train again, or restore it from a copy`,
      );
    }
  }
  if (bytes.byteLength % 4 !== 0) {
    throw invalid(
      `checkpoint ${dir}: ${path} has ${bytes.byteLength} bytes, not a whole number of float32 values`,
    );
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Checks that the manifest's tensors tile the blob exactly: no gap, no overlap, no extra bytes. */
function checkLayout(entries: readonly WeightEntry[], values: number, path: string): void {
  if (
    !Array.isArray(entries) ||
    !entries.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof e.name === 'string' &&
        Number.isInteger(e.offset) &&
        Array.isArray(e.shape) &&
        (e.shape as unknown[]).every((d) => Number.isInteger(d) && (d as number) >= 0),
    )
  ) {
    throw invalid(
      `${path}: its tensor list in ${CHECKPOINT_MANIFEST} is malformed (each needs a name, a shape of integers and an offset); the checkpoint is damaged`,
    );
  }
  let offset = 0;
  for (const e of entries) {
    if (e.offset !== offset) {
      throw invalid(
        `${path}: "${e.name}" starts at value ${e.offset}, expected ${offset} (the manifest's tensors must follow each other without gaps or overlaps)`,
      );
    }
    offset += (e.shape as number[]).reduce((a, b) => a * b, 1);
  }
  if (offset !== values) {
    throw invalid(
      `${path} holds ${values} values but ${CHECKPOINT_MANIFEST} lists ${offset}; the file was changed or damaged`,
    );
  }
}

export interface LoadCheckpointOptions {
  /** Read the optimizer's slots (default true); inference does not need them, so a damaged file is no obstacle. */
  optimizer?: boolean;
}

/**
 * Reads and checks a checkpoint directory: the manifest (format, version, spec), every file it names (size and
 * SHA-256 in version 2), the layout of the tensors in them, their names and shapes against the spec, and that
 * every weight is finite. Every error is a CHECKPOINT_INVALID AekitError (WEIGHTS_INVALID for names and
 * shapes) naming the file and what to do.
 */
export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  const manifestPath = join(dir, CHECKPOINT_MANIFEST);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    throw invalid(`no checkpoint at ${dir}: cannot read ${manifestPath}`, cause);
  }
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(text) as CheckpointManifest;
  } catch (cause) {
    throw invalid(`${manifestPath} is not valid JSON; the checkpoint is damaged`, cause);
  }
  if (
    typeof manifest !== 'object' ||
    manifest === null ||
    manifest.format !== CHECKPOINT_FORMAT ||
    (manifest.version !== 1 && manifest.version !== 2)
  ) {
    throw invalid(
      `${manifestPath}: expected format ${CHECKPOINT_FORMAT} v1 or v${CHECKPOINT_VERSION}, got ${String(manifest?.format)} v${String(manifest?.version)}`,
    );
  }
  const training = manifest.training;
  if (
    typeof training !== 'object' ||
    training === null ||
    !Number.isInteger(training.step) ||
    !Number.isInteger(training.epoch) ||
    !Array.isArray(manifest.weights)
  ) {
    throw invalid(`${manifestPath}: the training state or the weights manifest is missing or malformed`);
  }
  const spec = validateSpec(manifest.spec);
  const files = manifest.version === 2 ? manifest.files : undefined;
  if (
    manifest.version === 2 &&
    (typeof files !== 'object' ||
      files === null ||
      typeof files.weights?.path !== 'string' ||
      !BLOB.test(files.weights.path))
  ) {
    throw invalid(`${manifestPath}: "files.weights" is missing or malformed`);
  }
  const weightsName = files?.weights.path ?? CHECKPOINT_WEIGHTS;
  const blob = await readBinary(dir, weightsName, files?.weights);
  checkLayout(manifest.weights, blob.length, join(dir, weightsName));
  const weights = checkWeights(spec, unpackWeights(manifest.weights, blob));
  checkFinite(weights, `${join(dir, weightsName)}: the weights`);
  let optimizer: Checkpoint['training']['optimizer'];
  if (training.optimizer && options.optimizer !== false) {
    if (files && (typeof files.optimizer?.path !== 'string' || !BLOB.test(files.optimizer.path))) {
      throw invalid(`${manifestPath}: "files.optimizer" is missing or malformed`);
    }
    const name = files?.optimizer?.path ?? CHECKPOINT_OPTIMIZER;
    const optBlob = await readBinary(dir, name, files?.optimizer);
    checkLayout(training.optimizer, optBlob.length, join(dir, name));
    optimizer = unpackWeights(training.optimizer, optBlob);
  }
  let bestWeights: NamedTensor[] | undefined;
  if (files?.best && options.optimizer !== false) {
    if (typeof files.best.path !== 'string' || !BLOB.test(files.best.path)) {
      throw invalid(`${manifestPath}: "files.best" is malformed`);
    }
    const bestBlob = await readBinary(dir, files.best.path, files.best);
    checkLayout(manifest.weights, bestBlob.length, join(dir, files.best.path));
    bestWeights = checkWeights(spec, unpackWeights(manifest.weights, bestBlob));
  }
  const early = training.earlyStopping;
  return {
    spec,
    weights,
    training: {
      step: training.step,
      epoch: training.epoch,
      ...(optimizer ? { optimizer } : {}),
      ...(training.optimizerConfig ? { optimizerConfig: training.optimizerConfig } : {}),
      ...(early && options.optimizer !== false
        ? { earlyStopping: { ...early, best: early.best ?? Number.POSITIVE_INFINITY } }
        : {}),
      ...(bestWeights ? { bestWeights } : {}),
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
  await appendFile(join(dir, METRICS_LOG), `${JSON.stringify(metrics)}\n`);
}

/** Reads `dir/metrics.jsonl` (empty when absent); a line cut short by a crash is skipped. */
export async function readMetrics(dir: string): Promise<EpochMetrics[]> {
  let text: string;
  try {
    text = await readFile(join(dir, METRICS_LOG), 'utf8');
  } catch {
    return [];
  }
  const out: EpochMetrics[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as EpochMetrics);
    } catch {
      // an interrupted append
    }
  }
  return out;
}

/**
 * Rewrites `dir/metrics.jsonl` to hold each epoch up to `lastEpoch` once (the last line written for it), for a
 * run resumed from the checkpoint of `lastEpoch`: epochs logged after that checkpoint are dropped.
 */
export async function truncateMetrics(dir: string, lastEpoch: number): Promise<EpochMetrics[]> {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const m of await readMetrics(dir)) if (m.epoch <= lastEpoch) byEpoch.set(m.epoch, m);
  const kept = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  await writeFileAtomic(join(dir, METRICS_LOG), kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
  return kept;
}
