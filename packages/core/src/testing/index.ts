// Test helpers for aekit packages and for backends written by others: `@aekit/core/testing`.
export { codeOf, codeOfAsync } from './error-code.js';
