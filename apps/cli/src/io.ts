/** Where the CLI writes: lines of results on `out`, errors and warnings on `err`, the progress bar on `bar`. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current status line (only called when `isTTY`). Empty text clears it. */
  bar(text: string): void;
  /** Whether a live progress bar can be drawn (stderr is a terminal and CI is not set). */
  readonly isTTY: boolean;
  readonly columns: number;
}

/** The process streams: results to stdout, errors and the progress bar to stderr. */
export function processIo(): CliIo {
  const stderr = process.stderr;
  const isTTY = Boolean(stderr.isTTY) && !process.env.CI;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => stderr.write(`${line}\n`),
    bar: (text) => {
      stderr.write(`\r\x1b[2K${text}`);
    },
    isTTY,
    columns: stderr.columns ?? 80,
  };
}

let current: CliIo | undefined;

/** The io of the running command (commands write through it so tests can capture their output). */
export function getIo(): CliIo {
  current ??= processIo();
  return current;
}

export function setIo(io: CliIo): void {
  current = io;
}
