import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every module the browser entry reaches through relative imports (static and dynamic). */
function reachable(entry: URL): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (url: URL) => {
    if (seen.has(url.href) || url.pathname.endsWith('.generated.ts')) return;
    const text = readFileSync(url, 'utf8');
    seen.set(url.href, text);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)\.js'/g))
      visit(new URL(`${m[1]}.ts`, url));
  };
  visit(entry);
  return seen;
}

describe('browser entry', () => {
  const files = reachable(new URL('./browser.ts', import.meta.url));

  it('imports nothing of Node a bundler would have to resolve', () => {
    expect(files.size).toBeGreaterThan(20);
    for (const [file, text] of files) {
      // Type-only imports vanish; node: modules are imported only inside Node-guarded functions.
      expect(text, file).not.toMatch(/^import (?!type)[^;]*from ['"]node:/m);
      expect(text, file).not.toMatch(/await import\(\s*['"]@aekit\/core\/node['"]/);
      expect(text, file).not.toMatch(/from ['"]@aekit\/core\/node['"]/);
    }
  });

  it('imports the browser flavours and the gradients statically', () => {
    const flavours = files.get(new URL('./device/browser-flavours.ts', import.meta.url).href) ?? '';
    expect(flavours).toContain(`import '@tensorflow/tfjs-core/dist/register_all_gradients.js';`);
    for (const pkg of ['cpu', 'wasm', 'webgpu'])
      expect(flavours).toMatch(
        new RegExp(`^import \\{ \\w+ \\} from '@tensorflow/tfjs-backend-${pkg}';$`, 'm'),
      );
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.'].browser).toBe('./dist/browser.js');
    expect(pkg.exports['./browser'].source).toBe('./src/browser.ts');
  });
});
