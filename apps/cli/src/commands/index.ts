import type { Command } from 'commander';
import { registerCompareCommand } from './compare.js';
import { registerDetectCommand } from './detect.js';
import { registerEvalCommand } from './eval.js';
import { registerExportCommand } from './export.js';
import { registerInterpolateCommand } from './interpolate.js';
import { registerRunCommand } from './run.js';
import { registerSampleCommand } from './sample.js';
import { registerServeCommand } from './serve.js';
import { registerTrainCommand } from './train.js';
import { registerVerifyCommand } from './verify.js';

/** Adds every `aekit` subcommand to `program` (one line per command, in help order). */
export function registerCommands(program: Command): void {
  registerTrainCommand(program);
  registerEvalCommand(program);
  registerDetectCommand(program);
  registerExportCommand(program);
  registerRunCommand(program);
  registerVerifyCommand(program);
  registerServeCommand(program);
  registerCompareCommand(program);
  registerSampleCommand(program);
  registerInterpolateCommand(program);
}
