import { AekitError, setLogger } from '@aekit/core';
import { CommanderError } from 'commander';
import { globalInstallMessage } from './install-hint.js';
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

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Commander's usage errors (unknown option or command, bad choice, missing value or option): exit 2. */
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.invalidArgument',
  'commander.missingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.optionMissingArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

function report(error: unknown, verbose: boolean, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and --version exit 0.
    return USAGE_ERRORS.has(error.code) ? EXIT_USAGE : error.exitCode;
  }
  if (AekitError.isInstance(error)) {
    io.err(`error: ${oneLine(globalInstallMessage(error) ?? error.message)}`);
    if (verbose && error.stack) io.err(error.stack);
    if (error.code === 'INTERRUPTED') return EXIT_INTERRUPTED;
    return error.code === 'OPTION_INVALID' || error.code === 'RUN_EXISTS' ? EXIT_USAGE : EXIT_FAILURE;
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
