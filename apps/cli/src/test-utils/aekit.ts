// Test helpers: run the CLI in-process, and write a checkpoint of random weights to run commands on.
import { createRng, type ModelSpec, type NamedTensor, paramInfos, shapeSize } from '@aekit/core';
import { saveCheckpoint } from '@aekit/core/node';
import { main } from '../main.js';
import { captureIo } from './capture-io.js';

export interface AekitResult {
  code: number;
  stdout: string;
  /** stderr without blank lines, joined. */
  stderr: string;
  stderrLines: string[];
}

/** Runs `aekit ...argv` in this process and returns its exit code and what it printed. */
export async function aekit(...argv: string[]): Promise<AekitResult> {
  const io = captureIo();
  const code = await main(argv, io);
  const stderrLines = io.stderr.filter(Boolean);
  return { code, stdout: io.stdout.join('\n'), stderr: stderrLines.join('\n'), stderrLines };
}

/** Saves a checkpoint of `spec` with uniform random weights in [-scale/2, scale/2) (seeded) into `dir`. */
export async function saveRandomCheckpoint(
  dir: string,
  spec: ModelSpec,
  options: { seed?: number; scale?: number; epoch?: number; meta?: Record<string, unknown> } = {},
): Promise<NamedTensor[]> {
  const rng = createRng(options.seed ?? 3);
  const scale = options.scale ?? 0.4;
  const weights = paramInfos(spec).map((p) => ({
    name: p.name,
    shape: p.shape,
    data: Float32Array.from({ length: shapeSize(p.shape) }, () => (rng.next() - 0.5) * scale),
  }));
  await saveCheckpoint(dir, {
    spec,
    weights,
    training: { step: 0, epoch: options.epoch ?? 0 },
    ...(options.meta ? { meta: options.meta } : {}),
  });
  return weights;
}
