/** The process events whose listeners Emscripten's Node glue adds when a tfjs wasm build starts. */
const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

type Listener = (...args: unknown[]) => void;

/**
 * Runs `start` and then removes the `uncaughtException` / `unhandledRejection` listeners it added to the
 * Node process. tfjs-backend-wasm's Emscripten glue adds two that rethrow every error from inside its
 * minified one-line script: after that, any uncaught error of the user's program printed that line (tens of
 * kilobytes of tfjs source) before its own message and exited with code 7, not 1. Without them Node reports
 * it as usual. The glue needs them only to exit an Emscripten program, which tfjs never does. Nothing to do
 * outside Node.
 */
export async function withoutAddedProcessListeners<T>(start: () => Promise<T>): Promise<T> {
  const proc = typeof process === 'object' && typeof process.listeners === 'function' ? process : undefined;
  if (proc === undefined) return start();
  // One call per event name: @types/node types listeners() by overloads on each literal.
  const listenersOf = (event: (typeof EVENTS)[number]): Listener[] =>
    (event === 'uncaughtException' ? proc.listeners(event) : proc.listeners(event)) as Listener[];
  const before = new Map(EVENTS.map((event) => [event, new Set(listenersOf(event))]));
  try {
    return await start();
  } finally {
    for (const event of EVENTS) {
      for (const listener of listenersOf(event)) {
        if (!before.get(event)?.has(listener)) proc.removeListener(event, listener);
      }
    }
  }
}
