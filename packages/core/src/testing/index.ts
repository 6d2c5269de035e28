// Test helpers for aekit packages and for backends written by others: `@aekit/core/testing`.

export {
  type CallOutcome,
  callWithin,
  callWithinAsync,
  expectValueOrAekitError,
} from './bounded.js';
export { codeOf, codeOfAsync } from './error-code.js';
