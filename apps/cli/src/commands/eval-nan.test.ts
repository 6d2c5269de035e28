import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { paramInfos } from '@aekit/core';
import { saveCheckpoint } from '@aekit/core/node';
import { denseAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `aekit eval` on a checkpoint whose model outputs NaN (issue #14 item 1: on 27df3dc it spun at 100% CPU in
 * prAuc forever). The weights are finite (a checkpoint with NaN weights is refused when it loads) but
 * overflow: the code is +Infinity and the decoder adds +Infinity and -Infinity, which is NaN.
 * The CLI runs in a child process with a time limit, so the test is bounded even when the command hangs.
 */
const CLI_DIR = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT_MS = 240_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-eval-nan-'));
  const spec = denseAutoencoder({ latentDim: 16 });
  const infos = paramInfos(spec);
  const weights = infos.map((p, layer) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const columns = p.shape.length === 2 ? (p.shape[1] as number) : 1;
    return {
      name: p.name,
      shape: p.shape,
      // Kernels [in, out]: the first all +3e38, later ones +-3e38 alternating by input row; biases 0.
      data: Float32Array.from({ length: n }, (_, i) => {
        if (p.shape.length !== 2) return 0;
        if (layer === 0) return 3e38;
        return Math.floor(i / columns) % 2 === 0 ? 3e38 : -3e38;
      }),
    };
  });
  await saveCheckpoint(join(dir, 'run'), {
    spec,
    weights,
    training: { step: 0, epoch: 1 },
    meta: { dataset: 'fashion-mnist' },
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `aekit ...argv` in a fresh Node process (tsx, sources through the `source` condition), killed at the limit. */
async function aekitProcess(
  argv: string[],
): Promise<{ code: number | null; stderr: string; killed: boolean }> {
  // A script file, not -e: tfjs-wasm's worker threads inherit the flags, and --input-type would break them.
  const runner = join(dir, 'run-aekit.mjs');
  const main = pathToFileURL(join(CLI_DIR, 'src', 'main.ts')).href;
  await writeFile(
    runner,
    `const { main } = await import(${JSON.stringify(main)});\nprocess.exitCode = await main(${JSON.stringify(argv)});\n`,
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', runner],
      { cwd: CLI_DIR, timeout: LIMIT_MS, killSignal: 'SIGKILL', env: { ...process.env, CI: '1' } },
      (error, _stdout, stderr) => {
        const killed = Boolean(error && (error as { killed?: boolean }).killed);
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr, killed });
      },
    );
  });
}

describe('aekit eval on a model that outputs NaN', () => {
  it(
    'ends with one error line naming the checkpoint and the non-finite values, exit 1',
    async () => {
      // biome-ignore format: flags in pairs
      const r = await aekitProcess(['eval', '--checkpoint', join(dir, 'run'), '--report', join(dir, 'report'),
        '--train-limit', '100', '--test-limit', '50', '--projection', 'pca', '--device', 'wasm']);
      expect(r.killed, `no answer within ${LIMIT_MS} ms: aekit eval hangs`).toBe(false);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('error'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^error: checkpoint ${join(dir, 'run').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*: \\d+ of \\d+ values are not finite \\((NaN|±Infinity|\\d+ NaN, \\d+ ±Infinity)\\), at index 0 .*it has most likely diverged`,
        ),
      );
    },
    LIMIT_MS + 30_000,
  );
});
