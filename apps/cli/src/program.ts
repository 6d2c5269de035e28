import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { registerCommands } from './commands/index.js';
import type { CliIo } from './io.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The `aekit` program with every command registered. Commander errors throw (exitOverride) instead of
 * exiting, and all output goes through `io`.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('aekit')
    .description('Train autoencoders with TensorFlow.js, export them to ONNX and run them with ONNX Runtime.')
    .version(version())
    .option('--verbose', 'print the stack trace of unexpected errors')
    // Program options only before the command: `aekit export --version 2` is the export's option, not ours.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      // One line per error: "error: unknown option '--epoch' (Did you mean --epochs?)".
      outputError: (text, write) =>
        write(
          `${text
            .trim()
            .split(/\s*\n\s*/)
            .join(' ')}\n`,
        ),
    })
    .showSuggestionAfterError()
    .addHelpText('after', '\nRun "aekit <command> --help" for the options of a command and their defaults.');
  registerCommands(program);
  // --verbose also works after the command (main reads it from argv); listed once, in the program's help.
  for (const command of program.commands) {
    command.addOption(new Option('--verbose', 'print the stack trace of unexpected errors').hideHelp());
  }
  return program;
}
