import { describe, expect, it } from 'vitest';
import { BackendRegistry } from './backend-registry.js';
import { AekitError, BackendUnavailableError } from './errors.js';
import { setLogger } from './logger.js';

setLogger({ info() {}, warn() {} });

const ok = (id: string) => ({ id, init: async () => {} });
const broken = (reason: string) => ({ id: 'broken', init: async () => Promise.reject(new Error(reason)) });

describe('BackendRegistry', () => {
  it('picks the highest priority backend that initialises and says why', async () => {
    const r = new BackendRegistry<{ id: string; init(): Promise<void> }>('test');
    r.register('slow', ok('slow'), 1);
    r.register('fast', broken('native library missing'), 10);
    r.register('optin', ok('optin'), -1);
    const picked = await r.resolve();
    expect(picked.name).toBe('slow');
    expect(picked.reason).toContain('[fast] native library missing');
  });

  it('never falls back to an opt-in backend but resolves it by name', async () => {
    const r = new BackendRegistry<{ id: string; init(): Promise<void> }>('test');
    r.register('optin', ok('optin'), -1);
    await expect(r.resolve()).rejects.toBeInstanceOf(BackendUnavailableError);
    expect((await r.resolve(['optin'])).name).toBe('optin');
  });

  it('lists every candidate with its reason when none works', async () => {
    const r = new BackendRegistry<{ id: string; init(): Promise<void> }>('test');
    r.register('a', broken('no GPU'), 2);
    const error = await r.resolve(['a', 'b']).catch((e: unknown) => e);
    expect(AekitError.isInstance(error)).toBe(true);
    expect((error as AekitError).message).toContain('[a] no GPU');
    expect((error as AekitError).message).toContain('[b] not registered');
  });

  it('refuses a conflicting registration at the same priority and initialises once', async () => {
    const r = new BackendRegistry<{ id: string; init(): Promise<void> }>('test');
    let inits = 0;
    r.register('x', { id: 'x', init: async () => void inits++ }, 1);
    expect(() => r.register('x', ok('other'), 1)).toThrow(/already registered/);
    await r.resolve(['x']);
    await r.resolve(['x']);
    expect(inits).toBe(1);
  });
});
