// Test helpers for aekit packages and for backends written by others: `@aekit/core/testing`.

export {
  type CallOutcome,
  callWithin,
  callWithinAsync,
  expectValueOrAekitError,
} from './bounded.js';
export { codeOf, codeOfAsync } from './error-code.js';
export { applyEdits, BYTE_EDIT_OPS, type ByteEdit } from './mutate.js';
