import { AekitError } from '../errors.js';

/** What one call of a parser did: returned a value, threw an `AekitError`, threw anything else, or ran too long. */
export type CallOutcome<T> =
  | { kind: 'value'; value: T }
  | { kind: 'aekit'; error: AekitError }
  | { kind: 'other'; error: unknown }
  | { kind: 'timeout'; ms: number };

interface VmModule {
  Script: new (code: string) => { runInContext(context: object, options: { timeout: number }): unknown };
  createContext(sandbox: object): object;
}

/** node:vm when this runs in Node (20.16+), else undefined (then calls run unbounded). */
function nodeVm(): VmModule | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  return get?.('node:vm') as VmModule | undefined;
}

const TIMEOUT_CODE = 'ERR_SCRIPT_EXECUTION_TIMEOUT';

function classify<T>(error: unknown): CallOutcome<T> {
  return AekitError.isInstance(error) ? { kind: 'aekit', error } : { kind: 'other', error };
}

/**
 * Calls the synchronous `fn` and says what it did, stopping it after `timeoutMs` even inside an endless loop
 * (Node's vm watchdog terminates the running script, the functions it calls included). For property tests of
 * parsers: every input must give a value or an `AekitError`, in bounded time.
 */
export function callWithin<T>(fn: () => T, timeoutMs: number): CallOutcome<T> {
  const vm = nodeVm();
  if (vm === undefined) {
    try {
      return { kind: 'value', value: fn() };
    } catch (error) {
      return classify(error);
    }
  }
  const box: { fn: () => T; value?: T } = { fn };
  try {
    new vm.Script('box.value = box.fn();').runInContext(vm.createContext({ box }), { timeout: timeoutMs });
    return { kind: 'value', value: box.value as T };
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === TIMEOUT_CODE)
      return { kind: 'timeout', ms: timeoutMs };
    return classify(error);
  }
}

/**
 * Awaits `fn()` for at most `timeoutMs` and says what it did. The synchronous part of `fn` up to its first
 * `await` is bounded as in `callWithin`; later it is bounded while it waits (file reads, native calls).
 */
export async function callWithinAsync<T>(fn: () => Promise<T>, timeoutMs: number): Promise<CallOutcome<T>> {
  const started = callWithin(fn, timeoutMs);
  if (started.kind !== 'value') return started as CallOutcome<T>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CallOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
  });
  try {
    return await Promise.race([
      started.value.then(
        (value): CallOutcome<T> => ({ kind: 'value', value }),
        (error: unknown) => classify<T>(error),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Describes `input` for a failure message: its length and first bytes, or its JSON. */
function describe(input: unknown): string {
  if (input instanceof Uint8Array) {
    const head = Array.from(input.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return `${input.length} bytes [${head}${input.length > 32 ? ' ...' : ''}]`;
  }
  const text = typeof input === 'string' ? JSON.stringify(input) : String(JSON.stringify(input));
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/**
 * Throws (an assertion failure for a property test) unless `outcome` is a value or an `AekitError`; the
 * message names the input, what was thrown (with its stack) or the time limit.
 */
export function expectValueOrAekitError(outcome: CallOutcome<unknown>, input: unknown): void {
  if (outcome.kind === 'value' || outcome.kind === 'aekit') return;
  if (outcome.kind === 'timeout') {
    throw new Error(`no answer within ${outcome.ms} ms (a hang?) on input ${describe(input)}`);
  }
  const e = outcome.error;
  const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
  throw new Error(`threw a non-AekitError on input ${describe(input)}: ${what}`);
}
