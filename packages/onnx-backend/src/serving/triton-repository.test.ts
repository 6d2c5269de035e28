import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeOf } from '@aekit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../export-onnx.js';
import { servingSpec } from '../test-utils/serving-repository.js';
import { layerSpecs } from '../testing/layer-specs.js';
import { randomWeights } from '../testing/random.js';
import { parseWithGoogleTextFormat, tritonCheckerUnavailable } from '../testing/triton-config-checker.js';
import { graphSignature } from './graph-signature.js';
import { formatModelConfig, parseModelConfig } from './model-config.js';
import { loadModelRepository } from './model-repository.js';
import { tritonModelConfig } from './triton-config.js';
import { writeTritonRepository } from './triton-repository.js';

const unavailable = tritonCheckerUnavailable();
if (unavailable) console.warn(`skipping Google text format checks: ${unavailable}`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-triton-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const exports = {
  full: exportOnnx(servingSpec, randomWeights(servingSpec), { part: 'full' }),
  encoder: exportOnnx(servingSpec, randomWeights(servingSpec), { part: 'encoder' }),
  decoder: exportOnnx(servingSpec, randomWeights(servingSpec), { part: 'decoder' }),
  vae: exportOnnx(layerSpecs.vaeDense!, randomWeights(layerSpecs.vaeDense!), { part: 'full' }),
};

describe('Triton model config', () => {
  it("takes the export's own input/output names and per-sample dims, batch as max_batch_size", () => {
    const { bytes, info } = exports.full;
    const config = tritonModelConfig(graphSignature(bytes), info, { name: 'conv', maxBatchSize: 32 });
    expect(config.input).toEqual([{ name: 'input', data_type: 'TYPE_FP32', dims: [8, 8, 1] }]);
    expect(config.output).toEqual([
      { name: 'reconstruction', data_type: 'TYPE_FP32', dims: [8, 8, 1] },
      { name: 'latent', data_type: 'TYPE_FP32', dims: [6] },
    ]);
    expect(config.max_batch_size).toBe(32);
    expect(config.platform).toBe('onnxruntime_onnx');
    expect(config.dynamic_batching).toEqual({
      preferred_batch_size: [4, 16, 32],
      max_queue_delay_microseconds: 2000,
    });
    expect(config.parameters?.['aekit.part']).toEqual({ string_value: 'full' });
    const vae = tritonModelConfig(graphSignature(exports.vae.bytes), exports.vae.info, { name: 'vae' });
    expect(vae.output?.map((o) => [o.name, o.dims])).toEqual([
      ['reconstruction', [12]],
      ['mean', [3]],
      ['logVar', [3]],
    ]);
    const decoder = tritonModelConfig(graphSignature(exports.decoder.bytes), exports.decoder.info, {
      name: 'dec',
    });
    expect(decoder.input).toEqual([{ name: 'latent', data_type: 'TYPE_FP32', dims: [6] }]);
  });

  it('prints text that parses back to the same config (protobufjs text format, model_config.proto)', () => {
    for (const [name, e] of Object.entries(exports)) {
      const config = tritonModelConfig(graphSignature(e.bytes), e.info, {
        name,
        allVersions: name === 'vae',
      });
      expect(parseModelConfig(formatModelConfig(config))).toEqual(config);
    }
  });

  it.skipIf(unavailable !== null)(
    "parses with Google's protobuf text format parser into inference.ModelConfig",
    () => {
      const configs = Object.entries(exports).map(([name, e]) =>
        tritonModelConfig(graphSignature(e.bytes), e.info, { name, allVersions: name === 'vae' }),
      );
      const parsed = parseWithGoogleTextFormat(configs.map(formatModelConfig));
      parsed.forEach((p, i) => {
        expect(p, JSON.stringify(p)).toHaveProperty('ok');
        const ok = (p as { ok: Record<string, unknown> }).ok;
        const config = configs[i]!;
        expect(ok.name).toBe(config.name);
        expect(ok.platform).toBe('onnxruntime_onnx');
        expect(Number(ok.max_batch_size)).toBe(64);
        // int64 dims come back as strings in protobuf's JSON mapping.
        const dims = (list: unknown) =>
          (list as { name: string; data_type: string; dims: string[] }[]).map((t) => [
            t.name,
            t.data_type,
            t.dims.map(Number),
          ]);
        expect(dims(ok.input)).toEqual(config.input!.map((t) => [t.name, t.data_type, t.dims]));
        expect(dims(ok.output)).toEqual(config.output!.map((t) => [t.name, t.data_type, t.dims]));
        expect(ok.dynamic_batching).toEqual({
          preferred_batch_size: [4, 16, 64],
          max_queue_delay_microseconds: '2000',
        });
        expect(ok.instance_group).toEqual([{ count: 1, kind: 'KIND_CPU' }]);
        expect((ok.parameters as Record<string, unknown>)['aekit.part']).toEqual({
          string_value: config.parameters!['aekit.part']!.string_value,
        });
      });
      // The same parser refuses what Triton would refuse: a misspelt field, an unknown enum value.
      const [typo, badEnum] = parseWithGoogleTextFormat([
        'name: "x"\nmax_batch_sise: 4\n',
        'name: "x"\ninput { name: "input" data_type: TYPE_FLOAT32 dims: [1] }\n',
      ]);
      expect(typo).toEqual({ error: expect.stringContaining('has no field named "max_batch_sise"') });
      expect(badEnum).toEqual({ error: expect.stringContaining('TYPE_FLOAT32') });
    },
  );

  it('refuses a misspelt field, an unknown enum value or a repeated singular field, naming the file', () => {
    expect(() => parseModelConfig('name: "x"\nmax_batch_sise: 4\n', 'm/config.pbtxt')).toThrow(
      /m\/config\.pbtxt is not a valid Triton model configuration: .*unknown field 'max_batch_sise'/,
    );
    expect(() => parseModelConfig('input { data_type: TYPE_FLOAT32 }')).toThrow(
      /data_type: enum value expected/,
    );
    expect(() => parseModelConfig('name: "a" name: "b"')).toThrow(/multiple values/);
    expect(codeOf(() => parseModelConfig('name: '))).toBe('DATA_INVALID');
  });

  it('refuses a name that cannot be a folder or URL segment, and a batch size out of range', () => {
    const { bytes, info } = exports.full;
    expect(() => tritonModelConfig(graphSignature(bytes), info, { name: '../x' })).toThrow(
      /not a usable model name/,
    );
    expect(() => tritonModelConfig(graphSignature(bytes), info, { name: 'x', maxBatchSize: 0 })).toThrow(
      /maxBatchSize must be an integer in \[1, 65536\], got 0/,
    );
  });
});

describe('writeTritonRepository', () => {
  it('writes <repo>/<name>/config.pbtxt, <repo>/<name>/<version>/model.onnx, README.md and kserve.yaml', async () => {
    const repo = join(dir, 'repo');
    const result = await writeTritonRepository(repo, exports.full.bytes, { name: 'conv', maxBatchSize: 16 });
    expect(result.files).toEqual([
      join('conv', '1', 'model.onnx'),
      join('conv', 'config.pbtxt'),
      'README.md',
      'kserve.yaml',
    ]);
    expect(Buffer.compare(await readFile(join(repo, 'conv', '1', 'model.onnx')), exports.full.bytes)).toBe(0);
    await writeTritonRepository(repo, exports.encoder.bytes, {
      name: 'conv-encoder',
      version: 3,
      storageUri: 's3://bucket/repo',
    });
    const models = await loadModelRepository(repo);
    expect(models.map((m) => [m.name, m.versions.map((v) => v.version), m.config.max_batch_size])).toEqual([
      ['conv', [1], 16],
      ['conv-encoder', [3], 64],
    ]);
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('tritonserver --model-repository=/models');
    expect(readme).toContain('kubectl apply -f kserve.yaml');
    expect(readme).toContain('| conv-encoder | 3 | 64 | `input` [batch, 8, 8, 1] | `latent` [batch, 6] |');
    const kserve = await readFile(join(repo, 'kserve.yaml'), 'utf8');
    expect(kserve).toContain('kind: InferenceService');
    expect(kserve).toMatch(/modelFormat:\n {8}name: onnx\n {6}protocolVersion: v2/);
    expect(kserve).toContain('storageUri: "s3://bucket/repo"');
    expect(kserve).toContain('name: repo');
    // A newer version of a model: Triton's default policy serves the latest.
    await writeTritonRepository(repo, exports.full.bytes, { name: 'conv', version: 2, maxBatchSize: 16 });
    expect((await loadModelRepository(repo))[0]!.versions.map((v) => v.version)).toEqual([2]);
    expect(existsSync(join(repo, 'conv', '1', 'model.onnx'))).toBe(true);
  });

  it('reading a repository names what is wrong: no config, a name unlike its folder, another platform', async () => {
    const repo = join(dir, 'bad');
    await writeTritonRepository(repo, exports.full.bytes, { name: 'conv' });
    const { writeFile, mkdir } = await import('node:fs/promises');
    await writeFile(join(repo, 'conv', 'config.pbtxt'), 'name: "other"\nplatform: "onnxruntime_onnx"\n');
    await expect(loadModelRepository(repo)).rejects.toThrow(/name "other" differs from its folder "conv"/);
    await writeFile(join(repo, 'conv', 'config.pbtxt'), 'name: "conv"\nplatform: "tensorrt_plan"\n');
    await expect(loadModelRepository(repo)).rejects.toThrow(/aekit serve runs ONNX models only/);
    await mkdir(join(repo, 'empty'));
    await writeFile(join(repo, 'conv', 'config.pbtxt'), 'name: "conv"\nplatform: "onnxruntime_onnx"\n');
    await expect(loadModelRepository(repo)).rejects.toThrow(/empty: no config\.pbtxt/);
    await expect(loadModelRepository(join(dir, 'missing'))).rejects.toThrow(/is not a directory/);
  });
});
