import type { CliIo } from '../io.js';

/** An io that records what the CLI prints (no TTY, so no progress bar). */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(...line.split('\n')),
    err: (line) => stderr.push(...line.split('\n')),
    bar: () => {},
    isTTY: false,
    columns: 80,
  };
}
