// The shape of the repository, checked: no import cycle between source files (type-only imports included),
// workspace dependencies (dev ones too) that point one way, and packages that reach each other only through
// their public entries.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The @aekit packages each workspace project may depend on (dependencies, dev and peer ones alike). */
const ALLOWED: Record<string, readonly string[] | 'any'> = {
  'packages/core': [],
  'packages/models': ['@aekit/core'],
  'packages/datasets': ['@aekit/core'],
  'packages/eval': ['@aekit/core'],
  'packages/tfjs-backend': ['@aekit/core'],
  'packages/onnx-backend': ['@aekit/core'],
  'apps/cli': 'any',
  'apps/web': 'any',
  tools: 'any',
};

function workspaceDeps(project: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, project, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  const names = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
    (field) => Object.keys(pkg[field] ?? {}),
  );
  return [...new Set(names.filter((n) => n.startsWith('@aekit/')))].sort();
}

/** The workspace project a repository path belongs to (packages/x, apps/x or tools). */
function projectOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'tools' ? 'tools' : parts.slice(0, 2).join('/');
}

const tree = await parseDependencyTree(
  [
    'packages/*/src/**/*.ts',
    'apps/*/src/**/*.ts',
    'apps/*/scripts/**/*.ts',
    'tools/{bench,results,e2e}/**/*.ts',
  ].map((glob) => join(root, glob)),
  { context: root, tsconfig: join(root, 'tsconfig.base.json'), transform: false, skipDynamicImports: false },
);

describe('architecture', () => {
  it('reads the whole tree', () => {
    expect(Object.keys(tree).length).toBeGreaterThan(250);
  });

  it('has no import cycle between source files, type-only imports included', () => {
    expect(parseCircular(tree)).toEqual([]);
  });

  it('workspace dependencies, dev ones included, point one way', () => {
    for (const [project, allowed] of Object.entries(ALLOWED)) {
      if (allowed === 'any') continue;
      expect({ project, deps: workspaceDeps(project) }).toEqual({ project, deps: [...allowed] });
    }
  });

  it('a package reaches another only through its public entries, never by a relative path into it', () => {
    const crossings: string[] = [];
    for (const [file, deps] of Object.entries(tree)) {
      for (const dep of deps ?? []) {
        if (!dep.id || !dep.request.startsWith('.')) continue;
        if (projectOf(dep.id) !== projectOf(file)) crossings.push(`${file} -> ${dep.request}`);
      }
    }
    expect(crossings).toEqual([]);
  });
});
