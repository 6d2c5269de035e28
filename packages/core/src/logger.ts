/** Where aekit reports choices (which backend, which data source) and warnings. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

let current: Logger = {
  info: (m) => console.error(`[aekit] ${m}`),
  warn: (m) => console.error(`[aekit] warning: ${m}`),
};

export function getLogger(): Logger {
  return current;
}

/** Replace the logger (e.g. a silent one in tests: `setLogger({ info() {}, warn() {} })`). */
export function setLogger(logger: Logger): void {
  current = logger;
}

const said = new Set<string>();
/** Logs a message once per process (e.g. the backend choice). */
export function infoOnce(key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  current.info(message);
}
