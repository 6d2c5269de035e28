// Runs the official ONNX checker (python3-onnx) on exported models, when it is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

/** Why the checker cannot run here, or null when it can. Missing python3-onnx fails in CI. */
export function checkerUnavailable(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' });
    return null;
  } catch {
    const reason = `${PYTHON} with the onnx package is not installed (apt install python3-onnx)`;
    if (process.env.CI) throw new Error(`the ONNX checker must run in CI: ${reason}`);
    return reason;
  }
}

const SCRIPT = `
import sys, onnx
for path in sys.argv[1:]:
    onnx.checker.check_model(onnx.load(path), full_check=True)
    print("ok", path)
`;

/** Checks every model with onnx.checker.check_model(m, full_check=True); throws the checker's message. */
export function checkModels(models: Record<string, Uint8Array>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'aekit-onnx-check-'));
  try {
    const paths = Object.entries(models).map(([name, bytes]) => {
      const path = join(dir, `${name.replace(/[^a-z0-9_-]/gi, '_')}.onnx`);
      writeFileSync(path, bytes);
      return path;
    });
    const out = execFileSync(PYTHON, ['-c', SCRIPT, ...paths], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
