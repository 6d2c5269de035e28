import { AekitError, setLogger } from '@aekit/core';
import { CommanderError } from 'commander';
import { type CliIo, processIo, setIo } from './io.js';
import { createProgram } from './program.js';

/** Exit code of bad options and usage errors. */
export const EXIT_USAGE = 2;
/** Exit code of any other failure. */
export const EXIT_FAILURE = 1;

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ');
}

function report(error: unknown, verbose: boolean, io: CliIo): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed its message
  if (AekitError.isInstance(error)) {
    io.err(`error: ${oneLine(error.message)}`);
    if (verbose && error.stack) io.err(error.stack);
    return error.code === 'OPTION_INVALID' ? EXIT_USAGE : EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (verbose) io.err(error instanceof Error && error.stack ? error.stack : message);
  else io.err(`error: ${oneLine(message)} (run with --verbose for the stack trace)`);
  return EXIT_FAILURE;
}

/**
 * Runs `aekit` with `argv` (the arguments after the program name) and resolves to the exit code. Errors print
 * one line on stderr (the stack too with --verbose); nothing calls process.exit.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  setIo(io);
  setLogger({ info: (m) => io.out(m), warn: (m) => io.err(`warning: ${oneLine(m)}`) });
  const verbose = argv.includes('--verbose');
  try {
    const program = createProgram(io);
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, verbose, io);
  }
}
