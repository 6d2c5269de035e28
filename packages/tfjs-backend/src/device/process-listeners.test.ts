import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withoutAddedProcessListeners } from './process-listeners.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A user's program: starts the wasm device, then lets an error go uncaught (thrown, or a rejection). A
 * CommonJS -e script with a dynamic import: the threaded build's workers inherit the process's flags, and
 * --input-type=module would stop them.
 */
const program = (how: 'throw' | 'reject') => `(async () => {
  const { createTfjsBackend } = await import('@aekit/tfjs-backend');
  await createTfjsBackend({ device: 'wasm' }).init();
  ${how === 'throw' ? "setTimeout(() => { throw new Error('the user program failed'); }, 0);" : "Promise.reject(new Error('the user program failed'));"}
})();`;

async function run(how: 'throw' | 'reject', threads: number) {
  try {
    await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '-e', program(how)],
      { cwd: PACKAGE_DIR, env: { ...process.env, AEKIT_WASM_THREADS: String(threads) }, timeout: 60_000 },
    );
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("a user's uncaught error after the wasm device started", () => {
  // Each build (single-threaded, threaded) and each kind of uncaught error once.
  for (const [threads, how] of [
    [1, 'throw'],
    [2, 'reject'],
  ] as const) {
    it(`is reported as Node reports it (${threads} thread(s), ${how})`, async () => {
      const { code, stderr } = await run(how, threads);
      // Emscripten's rethrowing listeners made it exit 7 after printing the build's one-line script.
      expect(code).toBe(1);
      expect(stderr).toContain('Error: the user program failed');
      expect(stderr).not.toContain('tfjs-backend-wasm');
      expect(stderr.length).toBeLessThan(3000);
    }, 90_000);
  }
});

describe('withoutAddedProcessListeners', () => {
  it('removes the listeners its start added and keeps the ones before', async () => {
    const mine = () => {};
    const added = () => {};
    process.on('uncaughtException', mine);
    try {
      const value = await withoutAddedProcessListeners(async () => {
        process.on('uncaughtException', added);
        process.on('unhandledRejection', added);
        return 42;
      });
      expect(value).toBe(42);
      expect(process.listeners('uncaughtException')).toContain(mine);
      expect(process.listeners('uncaughtException')).not.toContain(added);
      expect(process.listeners('unhandledRejection')).not.toContain(added);
    } finally {
      process.removeListener('uncaughtException', mine);
    }
  });

  it('removes them when the start fails too', async () => {
    const added = () => {};
    await expect(
      withoutAddedProcessListeners(async () => {
        process.on('unhandledRejection', added);
        throw new Error('no backend');
      }),
    ).rejects.toThrow('no backend');
    expect(process.listeners('unhandledRejection')).not.toContain(added);
  });
});
