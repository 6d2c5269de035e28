import { AekitError } from '../errors.js';

/** The AekitError code `fn` throws (`untyped: ...` for any other error), or undefined when it does not throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return describeError(e);
  }
  return undefined;
}

/** Like codeOf, for a promise. */
export async function codeOfAsync(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    return describeError(e);
  }
  return undefined;
}

function describeError(e: unknown): string {
  return AekitError.isInstance(e) ? e.code : `untyped: ${String(e)}`;
}
