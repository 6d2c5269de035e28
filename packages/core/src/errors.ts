import { type InstallCommandOptions, installCommand } from './install-command.js';

const MARKER = Symbol.for('aekit.error');

/** Machine-readable error codes. Every error aekit throws on purpose carries one. */
export type AekitErrorCode =
  | 'SPEC_INVALID'
  | 'SHAPE_MISMATCH'
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_CONFLICT'
  | 'DATA_INVALID'
  | 'DATA_NOT_FOUND'
  | 'CHECKPOINT_INVALID'
  | 'WEIGHTS_INVALID'
  | 'EXPORT_UNSUPPORTED'
  | 'MODEL_INVALID'
  | 'OPTION_INVALID'
  | 'DEPENDENCY_MISSING'
  | 'PARITY_FAILED'
  | 'TRAINING_DIVERGED'
  | 'RUN_LOCKED'
  | 'RUN_EXISTS'
  | 'INTERRUPTED';

export interface AekitErrorOptions {
  cause?: unknown;
  /** Structured facts about the failure (expected/actual values, field paths...). */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error aekit throws on purpose: says what was wrong, with what value, and what to do.
 * `AekitError.isInstance(e)` survives duplicate copies of this package (it checks a global symbol).
 */
export class AekitError extends Error {
  readonly [MARKER] = true;
  readonly code: AekitErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: AekitErrorCode, message: string, options: AekitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }

  static isInstance(value: unknown): value is AekitError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}

/** A model spec (or one of its fields) is not valid. `issues` lists each field path with its problem. */
export class SpecValidationError extends AekitError {
  readonly issues: readonly { path: string; message: string }[];
  constructor(
    message: string,
    issues: readonly { path: string; message: string }[],
    options: AekitErrorOptions = {},
  ) {
    super('SPEC_INVALID', message, { ...options, details: { issues, ...options.details } });
    this.issues = issues;
  }
}

/** An array, tensor or model has another shape than the one required. */
export class ShapeMismatchError extends AekitError {
  constructor(message: string, expected: unknown, actual: unknown, options: AekitErrorOptions = {}) {
    super('SHAPE_MISMATCH', message, { ...options, details: { expected, actual, ...options.details } });
  }
}

/** A requested backend, device or optional dependency cannot be used here. */
export class BackendUnavailableError extends AekitError {
  constructor(message: string, options: AekitErrorOptions = {}) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}

/** Input data (files, arrays) are missing, corrupt or truncated. */
export class DataError extends AekitError {}

/** A user-supplied option has an invalid value. */
export class OptionError extends AekitError {
  constructor(message: string, options: AekitErrorOptions = {}) {
    super('OPTION_INVALID', message, options);
  }
}

/**
 * An optional peer dependency is not installed. The message says what to install, with the package manager
 * that runs the process first (`installCommand`); `install.env` is what the install needs in the environment.
 * `details` holds `packageName` and `install`, so a caller (the CLI) can say it for a global install.
 */
export class MissingDependencyError extends AekitError {
  constructor(
    packageName: string,
    purpose: string,
    cause?: unknown,
    install: Pick<InstallCommandOptions, 'env'> = {},
  ) {
    super(
      'DEPENDENCY_MISSING',
      `${purpose} needs the optional package "${packageName}", which is not installed. Install it: ${installCommand(packageName, install)}`,
      { cause, details: { packageName, install } },
    );
  }
}

/**
 * Training produced a non-finite loss (or weights): the run stopped at that step. `details` holds the epoch,
 * the step and the loss; the last checkpoint written before it (if any) is finite.
 */
export class TrainingDivergedError extends AekitError {
  constructor(message: string, options: AekitErrorOptions = {}) {
    super('TRAINING_DIVERGED', message, options);
  }
}
