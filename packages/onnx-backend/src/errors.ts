import { AekitError, type AekitErrorOptions } from '@aekit/core';

/** A spec, layer or activation cannot be exported to ONNX (code `EXPORT_UNSUPPORTED`). */
export class ExportError extends AekitError {
  constructor(message: string, options: AekitErrorOptions = {}) {
    super('EXPORT_UNSUPPORTED', message, options);
  }
}

/** An ONNX file is truncated, not ONNX, or lacks what aekit needs (code `MODEL_INVALID`). */
export class OnnxModelError extends AekitError {
  constructor(message: string, options: AekitErrorOptions = {}) {
    super('MODEL_INVALID', message, options);
  }
}
