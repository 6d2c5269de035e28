import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NamedTensor, shapeSize, validateSpec } from '../index.js';
import { paramInfos } from '../spec/params.js';
import { applyEdits, BYTE_EDIT_OPS, callWithinAsync, expectValueOrAekitError } from '../testing/index.js';
import { loadCheckpoint, saveCheckpoint } from './index.js';

/**
 * Property tests of loadCheckpoint on damaged checkpoints: a valid one is saved through the public API, then
 * its files (whatever files the current layout writes: the test lists the directory) are edited byte by byte,
 * truncated, deleted, swapped, or, for JSON files, have a random field replaced or removed. Every case must
 * give a checkpoint or an AekitError, within LIMIT_MS, and must leave the directory as it was (a load writes
 * nothing). Seeded: a failure names its seed and the shrunk damage.
 */
const LIMIT_MS = 5000;
/** Another seed explores other cases: AEKIT_FUZZ_SEED=7 npx vitest run <this file>. */
const SEED = Number(process.env.AEKIT_FUZZ_SEED ?? 14);
const RUNS = 120;

const spec = validateSpec({
  name: 'tiny',
  inputShape: [4],
  encoder: [{ type: 'dense', units: 2, activation: 'relu' }],
  decoder: [{ type: 'dense', units: 4, activation: 'sigmoid' }],
  loss: { reconstruction: 'bce' },
});
const tensors = (scale: number): NamedTensor[] =>
  paramInfos(spec).map((p, k) => ({
    name: p.name,
    shape: p.shape,
    data: Float32Array.from({ length: shapeSize(p.shape) }, (_, i) => scale * (k + i / 10)),
  }));

let root: string;
let original: string;
let names: string[];

async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

/** Every file's name and content hash: what must not change when a checkpoint is loaded. */
async function snapshot(dir: string): Promise<string[]> {
  const files = await listFiles(dir);
  return Promise.all(
    files.map(
      async (f) =>
        `${f} ${createHash('sha256')
          .update(await readFile(join(dir, f)))
          .digest('hex')}`,
    ),
  );
}

type Damage =
  | { kind: 'bytes'; file: number; edits: Parameters<typeof applyEdits>[1] }
  | { kind: 'delete'; file: number }
  | { kind: 'swap'; file: number; other: number }
  | { kind: 'json'; file: number; path: number[]; value: unknown; remove: boolean };

const edit = fc.record({
  op: fc.constantFrom(...BYTE_EDIT_OPS),
  at: fc.nat(),
  value: fc.nat(255),
  length: fc.integer({ min: 1, max: 64 }),
});
const damage: fc.Arbitrary<Damage> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      file: fc.nat(),
      edits: fc.array(edit, { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), file: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('swap' as const), file: fc.nat(), other: fc.nat() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      file: fc.nat(),
      path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom(-1, 0, 1.5, 1e300, '', 'weights-0000000000000000.bin', '../x', [], {}, null),
      ),
      remove: fc.boolean(),
    }),
  },
);

/** `root` with the field at `path` (indices into the keys/elements met on the way) replaced or removed. */
function mutateJson(root: unknown, path: readonly number[], value: unknown, remove: boolean): unknown {
  if (root === null || typeof root !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(root) ? [...root] : { ...(root as object) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[(path[0] as number) % keys.length] as string;
  const child = (copy as Record<string, unknown>)[key];
  if (path.length === 1 || child === null || typeof child !== 'object') {
    if (remove && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[key];
    else (copy as Record<string, unknown>)[key] = value;
  } else {
    (copy as Record<string, unknown>)[key] = mutateJson(child, path.slice(1), value, remove);
  }
  return copy;
}

async function applyDamage(dir: string, d: Damage): Promise<void> {
  try {
    await damageFiles(dir, d);
  } catch (e) {
    // An earlier damage deleted the file: nothing left to damage.
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
  }
}

async function damageFiles(dir: string, d: Damage): Promise<void> {
  const name = names[d.file % names.length] as string;
  const path = join(dir, name);
  if (d.kind === 'delete') await unlink(path);
  else if (d.kind === 'swap') {
    const other = join(dir, names[d.other % names.length] as string);
    const [a, b] = [await readFile(path), await readFile(other)];
    await writeFile(path, b);
    await writeFile(other, a);
  } else if (d.kind === 'bytes')
    await writeFile(path, applyEdits(new Uint8Array(await readFile(path)), d.edits));
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch {
      return; // not a JSON file: left as it is
    }
    await writeFile(path, JSON.stringify(mutateJson(parsed, d.path, d.value, d.remove)));
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-checkpoint-fuzz-'));
  original = join(root, 'original');
  await saveCheckpoint(original, {
    spec,
    weights: tensors(1),
    training: {
      step: 12,
      epoch: 3,
      optimizer: tensors(0.01).flatMap((t) => [
        { ...t, name: `${t.name}/m` },
        { ...t, name: `${t.name}/v` },
      ]),
      optimizerConfig: { name: 'adam', learningRate: 0.001 },
      earlyStopping: { best: 0.25, wait: 1, bestEpoch: 2 },
      bestWeights: tensors(2),
    },
    backend: 'tfjs',
    meta: { dataset: 'fashion-mnist' },
  });
  names = await listFiles(original);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadCheckpoint on damaged checkpoints', () => {
  it('loads the undamaged checkpoint', async () => {
    expect(names.length).toBeGreaterThanOrEqual(2);
    const back = await loadCheckpoint(original);
    expect(back.training.epoch).toBe(3);
  });

  it('gives a checkpoint or an AekitError, in bounded time, and writes nothing', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (damages) => {
        const dir = join(root, `case-${n++}`);
        await cp(original, dir, { recursive: true });
        try {
          for (const d of damages) await applyDamage(dir, d);
          const before = await snapshot(dir);
          const outcome = await callWithinAsync(() => loadCheckpoint(dir), LIMIT_MS);
          expectValueOrAekitError(outcome, damages);
          expect(await snapshot(dir)).toEqual(before);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
