// aekit train around a run: an existing run, a locked one, an unusable --out, a diverging run, resuming,
// a damaged checkpoint, usage exit codes. Each case as a careless user would meet it.
import { spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, RUN_LOCK, readMetrics } from '@aekit/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE } from './main.js';
import { aekit } from './test-utils/aekit.js';

/** A small, quick real run: dense on 300 Fashion-MNIST images. */
const SMALL = [
  '--model',
  'dense',
  '--limit',
  '300',
  '--test-limit',
  '50',
  '--batch-size',
  '50',
  '--device',
  'wasm',
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-runs-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('aekit train: the run directory', () => {
  it('refuses to overwrite an existing run, naming --resume and --force; --force replaces it', async () => {
    const out = join(root, 'existing');
    expect((await aekit('train', ...SMALL, '--epochs', '1', '--out', out)).code).toBe(0);
    await writeFile(join(out, 'notes.txt'), 'mine');
    const again = await aekit('train', ...SMALL, '--model', 'deep', '--epochs', '1', '--out', out);
    expect(again.code).toBe(EXIT_USAGE);
    expect(again.stderr).toMatch(/already holds a run .*--resume .*--force/);
    expect((await loadCheckpoint(out)).spec.name).toMatch(/dense/);
    const forced = await aekit(
      'train',
      ...SMALL,
      '--model',
      'deep',
      '--epochs',
      '1',
      '--out',
      out,
      '--force',
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect((await loadCheckpoint(out)).spec.name).toMatch(/deep/);
    expect((await readMetrics(out)).map((m) => m.epoch)).toEqual([1]);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await readdir(out)).filter((n) => n.startsWith('weights-'))).toHaveLength(1);
  });

  it('writes into --out in place: its mode, a symlink and "." stay what they were', async () => {
    const private_ = join(root, 'private');
    await mkdir(private_, { mode: 0o700 });
    expect((await aekit('train', ...SMALL, '--epochs', '2', '--out', private_)).code).toBe(0);
    expect((await stat(private_)).mode & 0o777).toBe(0o700);
    const target = join(root, 'target');
    await mkdir(target);
    const link = join(root, 'link');
    await symlink(target, link);
    expect((await aekit('train', ...SMALL, '--epochs', '1', '--out', link)).code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await readdir(target)).includes('checkpoint.json')).toBe(true);
    const here = join(root, 'here');
    await mkdir(here);
    const cwd = process.cwd();
    process.chdir(here);
    try {
      expect((await aekit('train', ...SMALL, '--epochs', '1', '--out', '.')).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect((await readdir(here)).includes('checkpoint.json')).toBe(true);
  });

  it('refuses a directory locked by a live run, and takes over the lock of a dead one', async () => {
    const out = join(root, 'locked');
    await mkdir(out);
    const sleeper = spawn('sleep', ['30']);
    try {
      const info = { pid: sleeper.pid, host: (await import('node:os')).hostname(), startedAt: 'then' };
      await writeFile(join(out, RUN_LOCK), JSON.stringify(info));
      const r = await aekit('train', ...SMALL, '--epochs', '1', '--out', out);
      expect(r.code).toBe(EXIT_FAILURE);
      expect(r.stderr).toMatch(new RegExp(`in use by another run \\(pid ${sleeper.pid}`));
    } finally {
      sleeper.kill('SIGKILL');
    }
    await new Promise((r) => sleeper.once('exit', r));
    const taken = await aekit('train', ...SMALL, '--epochs', '1', '--out', out);
    expect(taken.code, taken.stderr).toBe(0);
    expect((await readdir(out)).includes(RUN_LOCK)).toBe(false);
  });

  it('checks --out before training: no hang and one line for /proc, /sys, a file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    for (const out of ['/proc/aekit-nope/run', '/sys/aekit-nope', join(file, 'run')]) {
      const started = Date.now();
      const r = await aekit('train', ...SMALL, '--epochs', '1', '--out', out);
      expect(r.code, out).toBe(EXIT_USAGE);
      expect(r.stderr).toMatch(new RegExp(`^error: --out ${out}: .*choose a directory you can write to`));
      expect(r.stdout).not.toMatch(/epoch 1/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('an explicit --data-dir without the files fails instead of using other data', async () => {
    const empty = join(root, 'empty-data');
    await mkdir(empty);
    const r = await aekit(
      'train',
      ...SMALL,
      '--epochs',
      '1',
      '--data-dir',
      empty,
      '--out',
      join(root, 'nodata'),
    );
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderr).toMatch(new RegExp(`${empty} holds no train-images-idx3-ubyte.gz`));
  });

  it('a diverging run stops at the step, exits 1, and never leaves NaN weights behind', async () => {
    for (const [model, lr] of [
      ['vae', '10'],
      ['conv-vae', '0.5'],
    ] as const) {
      const out = join(root, `diverged-${model}`);
      const r = await aekit('train', ...SMALL, '--model', model, '--lr', lr, '--epochs', '3', '--out', out);
      expect(r.code, `${model}: ${r.stdout}`).toBe(EXIT_FAILURE);
      expect(r.stderr).toMatch(/training diverged in epoch \d+ at step \d+/);
      expect(r.stderr).toMatch(/lower --lr \(now/);
      expect(r.stdout).not.toMatch(/test MSE/);
      const kept = await loadCheckpoint(out).catch((e: Error) => e);
      if (kept instanceof Error) expect(kept.message).toMatch(/no checkpoint at/);
      else expect(kept.weights.every((w) => w.data.every(Number.isFinite))).toBe(true);
    }
  });

  it('--resume continues a finished run when --epochs grows, with each epoch logged once', async () => {
    const out = join(root, 'resumed');
    expect((await aekit('train', ...SMALL, '--epochs', '2', '--patience', '0', '--out', out)).code).toBe(0);
    const same = await aekit('train', '--resume', out);
    expect(same.code).toBe(EXIT_USAGE);
    expect(same.stderr).toMatch(/has finished its 2 epochs .*pass a larger --epochs/);
    const other = await aekit('train', '--resume', out, '--model', 'deep');
    expect(other.code).toBe(EXIT_USAGE);
    expect(other.stderr).toMatch(/drop --model/);
    const more = await aekit('train', '--resume', out, '--epochs', '3');
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/resuming .* after epoch 2/);
    expect((await readMetrics(out)).map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect((await loadCheckpoint(out)).training.epoch).toBe(3);
    const none = await aekit('train', '--resume', join(root, 'never'));
    expect(none.code).toBe(EXIT_USAGE);
    expect(none.stderr).toMatch(/no checkpoint.json there, so there is no run to continue/);
  });

  it('a damaged optimizer file blocks resuming, names the file, and does not block export', async () => {
    const out = join(root, 'damaged');
    expect((await aekit('train', ...SMALL, '--epochs', '1', '--out', out)).code).toBe(0);
    const file = (await readdir(out)).find((n) => n.startsWith('optimizer-'))!;
    await writeFile(join(out, file), 'garbage');
    const resume = await aekit('train', '--resume', out, '--epochs', '2');
    expect(resume.code).toBe(EXIT_FAILURE);
    expect(resume.stderr).toContain(`${file} does not match checkpoint.json`);
    const exported = await aekit('export', '--checkpoint', out, '--out', join(root, 'damaged.onnx'));
    expect(exported.code, exported.stderr).toBe(0);
    const weights = (await readdir(out)).find((n) => n.startsWith('weights-'))!;
    await rm(join(out, weights));
    const missing = await aekit('export', '--checkpoint', out, '--out', join(root, 'missing.onnx'));
    expect(missing.code).toBe(EXIT_FAILURE);
    expect(missing.stderr).toContain(`${weights} is missing`);
  });

  it('usage errors of the command line exit 2', async () => {
    expect((await aekit('train', '--nope')).code).toBe(EXIT_USAGE);
    expect((await aekit('train', '--dataset', 'cifar')).code).toBe(EXIT_USAGE);
    expect((await aekit('export')).code).toBe(EXIT_USAGE);
    expect((await aekit('frobnicate')).code).toBe(EXIT_USAGE);
    expect((await aekit('train', '--resume', 'x', '--force')).code).toBe(EXIT_USAGE);
  });
});
