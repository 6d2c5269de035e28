import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every module the browser entry reaches through relative imports (static and dynamic). */
function reachable(entry: URL): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (url: URL) => {
    if (seen.has(url.href) || url.pathname.includes('/generated/')) return;
    const text = readFileSync(url, 'utf8');
    seen.set(url.href, text);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)\.js'/g))
      visit(new URL(`${m[1]}.ts`, url));
  };
  visit(entry);
  return seen;
}

describe('browser entry', () => {
  it('never imports onnxruntime-node or node: modules', () => {
    const files = reachable(new URL('./browser.ts', import.meta.url));
    expect(files.size).toBeGreaterThan(5);
    for (const [file, text] of files) {
      expect(text, file).not.toMatch(/['"]onnxruntime-node['"]/);
      expect(text, file).not.toMatch(/from ['"]node:/);
    }
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.'].browser).toBe('./dist/browser.js');
  });
});
