import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../node-platform.js';
import { servingRepository } from '../test-utils/serving-repository.js';
import { maxAbsDiff, randomBatch } from '../testing/random.js';
import { InferenceClient } from './inference-client.js';
import { type InferenceServer, startInferenceServer } from './inference-server.js';
import { InferenceServerError } from './serving-error.js';

let repo: Awaited<ReturnType<typeof servingRepository>>;
let server: InferenceServer;

beforeAll(async () => {
  repo = await servingRepository();
  server = await startInferenceServer({ repository: repo.dir, port: 0, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

describe('InferenceClient', () => {
  it('reads health and metadata, and infers float32 tensors', async () => {
    const client = new InferenceClient(`${server.url}/`);
    expect(await client.isLive()).toBe(true);
    expect(await client.isReady()).toBe(true);
    expect(await client.isModelReady('tiny', 1)).toBe(true);
    expect(await client.isModelReady('nope')).toBe(false);
    expect((await client.serverMetadata()).name).toBe('aekit');
    const meta = await client.modelMetadata('tiny-encoder');
    expect(meta.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 8, 8, 1] }]);
    const data = randomBatch(4, [8, 8, 1], 11);
    const out = await client.inferTensors('tiny', { input: { shape: [4, 8, 8, 1], data } }, { version: 1 });
    const session = await createSession(repo.full, { device: 'cpu' });
    const expected = await session.run({ input: { shape: [4, 8, 8, 1], data } });
    await session.dispose();
    expect(out.reconstruction!.shape).toEqual([4, 8, 8, 1]);
    expect(out.reconstruction!.data).toBeInstanceOf(Float32Array);
    for (const name of ['reconstruction', 'latent']) {
      expect(
        maxAbsDiff(out[name]!.data as Float32Array, expected[name]!.data as Float32Array),
      ).toBeLessThanOrEqual(1e-6);
    }
    const binary = await client.inferTensors(
      'tiny',
      { input: { shape: [4, 8, 8, 1], data } },
      { version: 1, binary: true },
    );
    for (const name of ['reconstruction', 'latent']) {
      expect(binary[name]!.shape).toEqual(out[name]!.shape);
      expect(maxAbsDiff(binary[name]!.data as Float32Array, expected[name]!.data as Float32Array)).toBe(0);
    }
    const only = await client.inferTensors(
      'tiny',
      { input: { shape: [1, 8, 8, 1], data: data.subarray(0, 64) } },
      { outputs: ['latent'] },
    );
    expect(Object.keys(only)).toEqual(['latent']);
  });

  it("throws InferenceServerError with the status and the server's message", async () => {
    const client = new InferenceClient(server.url);
    const error = await client.modelMetadata('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceServerError);
    expect(error).toMatchObject({ status: 404, code: 'DATA_NOT_FOUND' });
    expect((error as Error).message).toContain('unknown model "nope"');
    await expect(
      client.inferTensors('tiny', { input: { shape: [1, 4], data: new Float32Array(4) } }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("does not match the model's [batch, 8, 8, 1]"),
    });
    const down = new InferenceClient('http://127.0.0.1:9', { timeoutMs: 2000 });
    await expect(down.serverMetadata()).rejects.toMatchObject({ status: 0 });
    expect(await down.isLive()).toBe(false);
  });
});
