import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Which modules each subpath entry loads, measured in a fresh Node process per entry:
 * `node --conditions=source --import tsx --import <register.mjs> -e "await import('@aekit/eval/<entry>')"`,
 * run inside packages/eval so the package resolves itself through its `exports` (source condition, as its
 * users' tests do). register.mjs adds a module `resolve` hook (node:module register) after tsx's, which
 * appends every URL a specifier resolves to into a log file; the test reads the log. Only the report entry
 * may reach the plotting stack (vega, vega-lite and their vega-* packages, @resvg/resvg-js, about 36 MB).
 */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const PLOTTING = /\/node_modules\/(vega|vega-lite|vega-[a-z0-9-]+|@resvg\/[^/]+)\//;
const LIGHT = ['metrics', 'anomaly', 'latent', 'baselines', 'images'] as const;

const HOOK = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.AEKIT_RESOLVE_LOG, result.url + '\\n');
  return result;
}
`;
const REGISTER = `import { register } from 'node:module';
register('./hook.mjs', import.meta.url);
`;

/** The plotting packages among `urls`, by name. */
function plotting(urls: string[]): string[] {
  return [...new Set(urls.map((u) => PLOTTING.exec(u)?.[1]).filter((n) => n !== undefined))].sort();
}

let dir: string;
const loaded = new Map<string, string[]>();

/** The URLs resolved while importing `@aekit/eval/<entry>` in a fresh process. */
async function resolvedBy(entry: string): Promise<string[]> {
  const log = join(dir, `${entry}.log`);
  await writeFile(log, '');
  await promisify(execFile)(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--import',
      join(dir, 'register.mjs'),
      '--input-type=module',
      '-e',
      `await import('@aekit/eval/${entry}');`,
    ],
    { cwd: PACKAGE_DIR, env: { ...process.env, AEKIT_RESOLVE_LOG: log } },
  );
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

describe('subpath entries', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aekit-eval-entries-'));
    await writeFile(join(dir, 'hook.mjs'), HOOK);
    await writeFile(join(dir, 'register.mjs'), REGISTER);
    const entries = [...LIGHT, 'report'];
    const urls = await Promise.all(entries.map(resolvedBy));
    entries.forEach((e, i) => {
      loaded.set(e, urls[i] as string[]);
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(LIGHT)('@aekit/eval/%s resolves to its source and loads no vega, vega-lite or resvg', (entry) => {
    const urls = loaded.get(entry) ?? [];
    expect(urls.some((u) => u.endsWith(`/packages/eval/src/${entry}/index.ts`))).toBe(true);
    expect(plotting(urls)).toEqual([]);
    expect(urls.filter((u) => u.includes('/src/report/'))).toEqual([]);
  });

  it('@aekit/eval/report loads the plotting stack (so the check above sees it when it is there)', () => {
    expect(plotting(loaded.get('report') ?? [])).toEqual(
      expect.arrayContaining(['vega', 'vega-lite', '@resvg/resvg-js']),
    );
  });
});
