import { AekitError, type AekitErrorCode, type AekitErrorOptions } from '@aekit/core';

function codeFor(status: number): AekitErrorCode {
  if (status === 404) return 'DATA_NOT_FOUND';
  if (status >= 500) return 'BACKEND_UNAVAILABLE';
  return 'DATA_INVALID';
}

/**
 * An Open Inference Protocol request that failed, with the HTTP status it maps to (400 bad request, 404 unknown
 * model, 413 body too large, 503 not ready or shutting down, 504 timed out). The server answers
 * `{ "error": message }` with `status`; the client throws it with the status and message it received.
 */
export class InferenceServerError extends AekitError {
  readonly status: number;
  constructor(status: number, message: string, options: AekitErrorOptions = {}) {
    super(codeFor(status), message, { ...options, details: { status, ...options.details } });
    this.status = status;
  }
}
