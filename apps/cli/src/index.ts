export { registerCommands } from './commands/index.js';
export { type CliIo, getIo, processIo, setIo } from './io.js';
export { EXIT_FAILURE, EXIT_USAGE, main } from './main.js';
export {
  getModel,
  type ModelCreateOptions,
  type ModelEntry,
  type ModelOption,
  modelNames,
  modelRegistry,
  registerModel,
} from './model-registry.js';
export { choiceOption, intListOption, intOption, numberOption } from './parse-options.js';
export { createProgram } from './program.js';
export { ProgressBar, type ProgressState } from './progress-bar.js';
export { runTraining, type TrainOptions, type TrainSummary } from './run-training.js';
