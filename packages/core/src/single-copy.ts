import { getLogger } from './logger.js';

/** Where every copy of @aekit/core in this process records itself (`Symbol.for`: one key across copies). */
const COPIES = Symbol.for('aekit.core.copies');

/**
 * Records a copy of @aekit/core (the URL of its registries module) in a process-wide list and warns once when a
 * second, different copy loads. Core's registries and logger are module-level state: a backend package that
 * resolved another copy of core (mixed versions, or a package manager that did not dedupe) registers where the
 * caller never looks, and "No training backend available" would follow with no hint why.
 */
export function registerCoreCopy(url: string): void {
  const global = globalThis as { [COPIES]?: string[] };
  const copies = global[COPIES] ?? [];
  global[COPIES] = copies;
  if (copies.includes(url)) return;
  copies.push(url);
  if (copies.length !== 2) return;
  getLogger().warn(
    `two copies of @aekit/core are loaded (${copies.join(' and ')}): backends registered with one are not seen by the other. Install the same version of every @aekit package (they are released together), then dedupe (npm dedupe, or pnpm install)`,
  );
}
