// `aekit train` as a process, killed the hard way: SIGKILL at random moments and right inside a checkpoint
// write, SIGINT (Ctrl-C), then --resume. The run directory must always hold one complete checkpoint (or
// none), and a resumed run must end where an uninterrupted one does.
import { type ChildProcess, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AekitError } from '@aekit/core';
import { loadCheckpoint, readMetrics } from '@aekit/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tools = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(tools, '..', 'apps', 'cli', 'src', 'bin.ts');

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI from its sources in a child process (one thread, the wasm device). */
function aekit(args: string[]): Run {
  // node itself (tsx as its loader, not the tsx wrapper process): a signal reaches the process that trains.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', bin, ...args], {
    cwd: tools,
    env: { ...process.env, AEKIT_WASM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (d: Buffer) => stdout.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, stdout, stderr, exit };
}

async function finished(run: Run): Promise<number | null> {
  const { code } = await run.exit;
  return code;
}

/** Resolves once `dir/metrics.jsonl` holds `epoch` (polled; bounded by the test's timeout). */
async function untilEpoch(dir: string, epoch: number, run: Run): Promise<void> {
  for (;;) {
    if ((await readMetrics(dir)).some((m) => m.epoch >= epoch)) return;
    if (run.child.exitCode !== null) throw new Error(`the run ended first:\n${run.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const CONV = [
  '--model',
  'conv',
  '--limit',
  '4000',
  '--test-limit',
  '100',
  '--batch-size',
  '64',
  '--patience',
  '0',
];
const DENSE = [
  '--model',
  'dense',
  '--limit',
  '2000',
  '--test-limit',
  '100',
  '--batch-size',
  '32',
  '--patience',
  '0',
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-crash-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** What a killed run left behind: a checkpoint that loads, or no checkpoint file at all. */
async function leftBehind(dir: string): Promise<'checkpoint' | 'none'> {
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.includes('checkpoint.json')) {
    expect(names.filter((n) => /^(weights|optimizer|best)-/.test(n))).toEqual([]);
    return 'none';
  }
  const checkpoint = await loadCheckpoint(dir).catch((e: unknown) => e);
  expect(AekitError.isInstance(checkpoint) ? checkpoint.message : 'loaded').toBe('loaded');
  return 'checkpoint';
}

describe('aekit train killed and resumed', () => {
  it('after a SIGKILL in epoch 2 of 4, --resume logs epochs 1-4 once and ends within 1% of an uninterrupted run', async () => {
    const whole = join(root, 'whole');
    const ref = aekit(['train', ...CONV, '--epochs', '4', '--out', whole]);
    expect(await finished(ref), ref.stderr.join('')).toBe(0);

    const killed = join(root, 'killed');
    const run = aekit(['train', ...CONV, '--epochs', '4', '--out', killed]);
    await untilEpoch(killed, 1, run);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGKILL');
    expect((await run.exit).signal).toBe('SIGKILL');
    expect(await leftBehind(killed)).toBe('checkpoint');
    const kept = (await loadCheckpoint(killed)).training.epoch;
    expect(kept).toBeLessThan(4);

    const resumed = aekit(['train', '--resume', killed]);
    expect(await finished(resumed), resumed.stderr.join('')).toBe(0);
    expect(resumed.stdout.join('')).toContain(`resuming ${killed} after epoch ${kept}`);
    const metrics = await readMetrics(killed);
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
    const reference = await readMetrics(whole);
    const last = metrics.at(-1)!.loss;
    const expected = reference.at(-1)!.loss;
    expect(Math.abs(last - expected) / expected).toBeLessThan(0.01);
  }, 240_000);

  it('SIGKILL at random moments and right inside a checkpoint write never leaves a missing or mixed checkpoint', async () => {
    const dir = join(root, 'random');
    const outcomes: string[] = [];
    for (let k = 0; k < 5; k++) {
      // A new run until a checkpoint exists (a kill inside the first write leaves none), then --resume.
      const args =
        outcomes.at(-1) === 'checkpoint'
          ? ['train', '--resume', dir, '--epochs', '200']
          : ['train', ...DENSE, '--epochs', '200', '--out', dir];
      const run = aekit(args);
      if (k % 2 === 0) {
        // The moment a temporary file of the checkpoint appears: mid-write.
        await new Promise<void>((done) => {
          const watcher = watch(dir.replace(/\/random$/, ''), { recursive: true }, (_event, name) => {
            if (
              name &&
              /(^|\/)\.(checkpoint\.json|(weights|optimizer|best)-[0-9a-f]+\.bin)\..*\.tmp$/.test(name)
            ) {
              run.child.kill('SIGKILL');
              watcher.close();
              done();
            }
          });
          run.exit.then(() => {
            watcher.close();
            done();
          });
        });
      } else {
        // Somewhere in a later epoch (epoch 2 is logged once the first checkpoint has landed).
        await untilEpoch(dir, (await readMetrics(dir)).length + 2, run);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
        run.child.kill('SIGKILL');
      }
      await run.exit;
      outcomes.push(await leftBehind(dir));
    }
    expect(outcomes.at(-1)).toBe('checkpoint');
    const before = (await loadCheckpoint(dir)).training.epoch;
    const resumed = aekit(['train', '--resume', dir, '--epochs', String(before + 1)]);
    expect(await finished(resumed), resumed.stderr.join('')).toBe(0);
    expect((await loadCheckpoint(dir)).training.epoch).toBe(before + 1);
    const epochs = (await readMetrics(dir)).map((m) => m.epoch);
    expect(epochs).toEqual(Array.from({ length: before + 1 }, (_, i) => i + 1));
  }, 240_000);

  it('Ctrl-C stops after the current step with exit 130, keeps the last checkpoint and says how to resume', async () => {
    const dir = join(root, 'ctrl-c');
    const run = aekit(['train', ...CONV, '--epochs', '4', '--out', dir]);
    await untilEpoch(dir, 1, run);
    run.child.kill('SIGINT');
    expect(await finished(run)).toBe(130);
    expect(run.stderr.join('')).toMatch(
      /interrupted in epoch \d: the checkpoint of epoch \d is kept in .*; continue with: aekit train --resume/,
    );
    expect(await leftBehind(dir)).toBe('checkpoint');
    expect((await readdir(dir)).includes('aekit.lock')).toBe(false);
  }, 120_000);
});
