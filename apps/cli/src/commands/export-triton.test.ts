import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convAutoencoder } from '@aekit/models';
import { parseModelConfig } from '@aekit/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aekit, saveRandomCheckpoint } from '../test-utils/aekit.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-triton-'));
  const spec = convAutoencoder();
  await saveRandomCheckpoint(join(dir, 'run'), spec, { seed: 3, scale: 0.4 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit export --format triton', () => {
  it('writes a Triton model repository checked against the checkpoint, with kserve.yaml and a README', async () => {
    const repo = join(dir, 'models');
    const r = await aekit(
      'export',
      '--checkpoint',
      join(dir, 'run'),
      '--format',
      'triton',
      '--name',
      'conv',
      '--out',
      repo,
      '--version',
      '3',
      '--max-batch',
      '32',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote Triton model repository .*models: model "conv" version 3/);
    expect(r.stdout).toMatch(/parity with the checkpoint .* max \|diff\| \S+ \(tolerance 0\.0001\)/);
    for (const file of ['conv/config.pbtxt', 'conv/3/model.onnx', 'README.md', 'kserve.yaml']) {
      expect(existsSync(join(repo, file)), file).toBe(true);
      expect(r.stdout).toContain(join(repo, file));
    }
    const config = parseModelConfig(await readFile(join(repo, 'conv', 'config.pbtxt'), 'utf8'));
    expect(config).toMatchObject({
      name: 'conv',
      platform: 'onnxruntime_onnx',
      max_batch_size: 32,
      input: [{ name: 'input', data_type: 'TYPE_FP32', dims: [28, 28, 1] }],
      output: [
        { name: 'reconstruction', data_type: 'TYPE_FP32', dims: [28, 28, 1] },
        { name: 'latent', data_type: 'TYPE_FP32', dims: [4, 4, 8] },
      ],
      dynamic_batching: { preferred_batch_size: [4, 16, 32] },
    });
    expect(await readFile(join(repo, 'kserve.yaml'), 'utf8')).toContain('protocolVersion: v2');
  });

  it('the model name must be usable as a folder and URL segment; serve needs a repository', async () => {
    const bad = await aekit(
      'export',
      '--checkpoint',
      join(dir, 'run'),
      '--format',
      'triton',
      '--name',
      'a/b',
      '--out',
      join(dir, 'x'),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name "a\/b" is not a usable model name/);
    const format = await aekit('export', '--checkpoint', join(dir, 'run'), '--format', 'tflite');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Should be one of: onnx, triton');
    const missing = await aekit('serve', '--model-repository', join(dir, 'nowhere'), '--port', '0');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /model repository ".*nowhere" is not a directory; write one with "aekit export --format triton/,
    );
    // --verbose is the program's option, also after the command.
    const verbose = await aekit('serve', '--model-repository', join(dir, 'nowhere'), '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const port = await aekit('serve', '--model-repository', dir, '--port', '99999');
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be an integer in [0, 65535]');
  });
});
