import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/build-native.mjs', import.meta.url));
const generated = fileURLToPath(new URL('./native-module.generated.ts', import.meta.url));

function clangVersion(): string | undefined {
  try {
    return execFileSync(process.env.CLANG ?? 'clang-16', ['--version'], { encoding: 'utf8' })
      .split('\n')[0]
      ?.trim();
  } catch {
    return undefined;
  }
}

const recorded = /^\/\/ Compiler: (.*)$/m.exec(readFileSync(generated, 'utf8'))?.[1];
const installed = clangVersion();

describe('the committed SIMD module', () => {
  // Rebuilding needs the compiler that made it (CI installs Debian's clang-16 and lld-16).
  it.skipIf(installed === undefined || installed !== recorded)(
    `is what native/*.c compiles to (${recorded})`,
    () => {
      const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
      expect(out).toMatch(/up to date/);
    },
  );
});
