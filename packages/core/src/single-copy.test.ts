import { afterEach, describe, expect, it } from 'vitest';
import { setLogger } from './logger.js';
import { registerCoreCopy } from './single-copy.js';

const COPIES = Symbol.for('aekit.core.copies');
const global = globalThis as { [COPIES]?: string[] };
const saved = global[COPIES];

afterEach(() => {
  global[COPIES] = saved;
  setLogger({
    info: (m) => console.error(`[aekit] ${m}`),
    warn: (m) => console.error(`[aekit] warning: ${m}`),
  });
});

describe('registerCoreCopy', () => {
  it('warns once when a second, different copy of core loads, naming both', () => {
    global[COPIES] = [];
    const warnings: string[] = [];
    setLogger({ info() {}, warn: (m) => warnings.push(m) });
    const a = 'file:///app/node_modules/@aekit/core/dist/registries.js';
    const b = 'file:///app/node_modules/@aekit/tfjs-backend/node_modules/@aekit/core/dist/registries.js';
    registerCoreCopy(a);
    registerCoreCopy(a); // the same copy again (re-evaluated): no warning
    expect(warnings).toEqual([]);
    registerCoreCopy(b);
    registerCoreCopy('file:///elsewhere/registries.js');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`two copies of @aekit/core are loaded (${a} and ${b})`);
    expect(warnings[0]).toContain('Install the same version of every @aekit package');
  });

  it('records this copy when core loads', async () => {
    await import('./registries.js');
    expect((global[COPIES] ?? []).some((u) => u.includes('/registries.'))).toBe(true);
  });
});
