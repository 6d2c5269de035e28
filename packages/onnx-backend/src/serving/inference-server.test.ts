// The server through the protocol only: raw fetch calls written from the Open Inference Protocol, not from
// this package's client, against a repository of two exported models on 127.0.0.1.
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../node-platform.js';
import { servingRepository } from '../test-utils/serving-repository.js';
import { maxAbsDiff, randomBatch } from '../testing/random.js';
import { type InferenceServer, startInferenceServer } from './inference-server.js';
import { writeTritonRepository } from './triton-repository.js';

let repo: Awaited<ReturnType<typeof servingRepository>>;
let server: InferenceServer;
let small: InferenceServer;
const logs: string[] = [];

beforeAll(async () => {
  repo = await servingRepository();
  server = await startInferenceServer({
    repository: repo.dir,
    host: '127.0.0.1',
    port: 0,
    log: (l) => logs.push(l),
  });
  small = await startInferenceServer({
    repository: repo.dir,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 4096,
    dynamicBatching: false,
    log: () => {},
  });
});
afterAll(async () => {
  await Promise.all([server?.close(), small?.close()]);
  await repo?.cleanup();
});

async function get(path: string, base = server.url) {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function post(path: string, body: unknown, base = server.url) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function input(n: number, seed = 1, extra: Record<string, unknown> = {}) {
  return {
    name: 'input',
    shape: [n, 8, 8, 1],
    datatype: 'FP32',
    data: Array.from(randomBatch(n, [8, 8, 1], seed)),
    ...extra,
  };
}

async function direct(bytes: Uint8Array, n: number, seed: number) {
  const session = await createSession(bytes, { device: 'cpu' });
  try {
    return await session.run({ input: { shape: [n, 8, 8, 1], data: randomBatch(n, [8, 8, 1], seed) } });
  } finally {
    await session.dispose();
  }
}

type Outputs = { name: string; shape: number[]; datatype: string; data: number[] }[];

describe('Open Inference Protocol server', () => {
  it('answers health, server metadata, model metadata and model readiness', async () => {
    expect(await get('/v2/health/live')).toEqual({ status: 200, body: { live: true } });
    expect(await get('/v2/health/ready')).toEqual({ status: 200, body: { ready: true } });
    const meta = await get('/v2');
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ name: 'aekit', extensions: ['binary_tensor_data'] });
    expect(typeof meta.body.version).toBe('string');
    expect(await get('/v2/models/tiny')).toEqual({
      status: 200,
      body: {
        name: 'tiny',
        versions: ['1', '2'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 8, 8, 1] }],
        outputs: [
          { name: 'reconstruction', datatype: 'FP32', shape: [-1, 8, 8, 1] },
          { name: 'latent', datatype: 'FP32', shape: [-1, 6] },
        ],
      },
    });
    expect((await get('/v2/models/tiny-encoder/versions/1')).body.outputs).toEqual([
      { name: 'latent', datatype: 'FP32', shape: [-1, 6] },
    ]);
    expect(await get('/v2/models/tiny/versions/1/ready')).toEqual({
      status: 200,
      body: { name: 'tiny', ready: true },
    });
    expect((await get('/v2/models/tiny/ready')).status).toBe(200);
  });

  it('infers the same outputs as a direct ONNX Runtime session (<= 1e-6), per version, with and without /versions', async () => {
    const latest = await post('/v2/models/tiny/infer', { id: 'r1', inputs: [input(3, 5)] });
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ model_name: 'tiny', model_version: '2', id: 'r1' });
    const v1 = await post('/v2/models/tiny/versions/1/infer', { inputs: [input(3, 5)] });
    expect(v1.body.model_version).toBe('1');
    for (const [answer, bytes] of [
      [latest, repo.fullV2],
      [v1, repo.full],
    ] as const) {
      const expected = await direct(bytes, 3, 5);
      const outputs = answer.body.outputs as Outputs;
      expect(outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
        ['reconstruction', 'FP32', [3, 8, 8, 1]],
        ['latent', 'FP32', [3, 6]],
      ]);
      for (const o of outputs)
        expect(
          maxAbsDiff(Float32Array.from(o.data), expected[o.name]!.data as Float32Array),
        ).toBeLessThanOrEqual(1e-6);
    }
    // Versions are different models here: the answers differ.
    const a = (latest.body.outputs as Outputs)[1]!.data;
    const b = (v1.body.outputs as Outputs)[1]!.data;
    expect(maxAbsDiff(Float32Array.from(a), Float32Array.from(b))).toBeGreaterThan(1e-3);
  });

  it('returns only the requested outputs, and takes nested data', async () => {
    const flat = input(2, 9);
    const nested = {
      ...flat,
      data: Array.from({ length: 2 }, (_, i) => flat.data.slice(i * 64, (i + 1) * 64)),
    };
    const r = await post('/v2/models/tiny/infer', { inputs: [nested], outputs: [{ name: 'latent' }] });
    expect(r.status).toBe(200);
    const outputs = r.body.outputs as Outputs;
    expect(outputs.map((o) => o.name)).toEqual(['latent']);
    const expected = await direct(repo.fullV2, 2, 9);
    expect(
      maxAbsDiff(Float32Array.from(outputs[0]!.data), expected.latent!.data as Float32Array),
    ).toBeLessThanOrEqual(1e-6);
  });

  it('takes and answers raw float32 bytes after the JSON header (binary tensor data extension)', async () => {
    const x = randomBatch(2, [8, 8, 1], 21);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'input',
            shape: [2, 8, 8, 1],
            datatype: 'FP32',
            parameters: { binary_data_size: x.byteLength },
          },
        ],
        outputs: [{ name: 'latent', parameters: { binary_data: true } }, { name: 'reconstruction' }],
      }),
    );
    const send = (extra: Buffer, length = header.length) =>
      fetch(`${server.url}/v2/models/tiny/infer`, {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(length),
        },
        body: Buffer.concat([header, extra]),
      });
    const res = await send(Buffer.from(x.buffer, x.byteOffset, x.byteLength));
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const jsonLength = Number(res.headers.get('inference-header-content-length'));
    const head = JSON.parse(bytes.subarray(0, jsonLength).toString('utf8')) as { outputs: Outputs };
    const [latent, reconstruction] = head.outputs as (Outputs[number] & {
      parameters?: { binary_data_size: number };
    })[];
    expect(latent).toEqual({
      name: 'latent',
      datatype: 'FP32',
      shape: [2, 6],
      parameters: { binary_data_size: 48 },
    });
    const raw = bytes.subarray(jsonLength);
    expect(raw.length).toBe(48);
    const served = Float32Array.from({ length: 12 }, (_, i) => raw.readFloatLE(i * 4));
    const expected = await direct(repo.fullV2, 2, 21);
    expect(maxAbsDiff(served, expected.latent!.data as Float32Array)).toBe(0);
    expect(
      maxAbsDiff(Float32Array.from(reconstruction!.data), expected.reconstruction!.data as Float32Array),
    ).toBeLessThanOrEqual(1e-6);
    const short = await send(Buffer.alloc(100));
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toMatch(
      /binary_data_size 512 but only 100 bytes of binary data follow/,
    );
    const badLength = await send(Buffer.alloc(512), 1e9);
    expect(((await badLength.json()) as { error: string }).error).toMatch(
      /Inference-Header-Content-Length "1000000000" must be an integer/,
    );
  });

  it('runs concurrent requests as dynamic batches, each answer its own', async () => {
    const before = server.metrics.render();
    const count = (text: string) =>
      Number(/aekit_inference_batches_total\{model="tiny",version="2"\} (\d+)/.exec(text)?.[1] ?? 0);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post('/v2/models/tiny/infer', { id: `c${i}`, inputs: [input(1, 100 + i)] }),
      ),
    );
    const ran = count(server.metrics.render()) - count(before);
    expect(ran).toBeLessThan(12);
    expect(ran).toBeGreaterThanOrEqual(2); // at most max_batch_size 8 rows per batch
    for (const [i, a] of answers.entries()) {
      expect(a.body.id).toBe(`c${i}`);
      const expected = await direct(repo.fullV2, 1, 100 + i);
      const latent = (a.body.outputs as Outputs).find((o) => o.name === 'latent')!;
      expect(
        maxAbsDiff(Float32Array.from(latent.data), expected.latent!.data as Float32Array),
      ).toBeLessThanOrEqual(1e-6);
    }
  });

  it('answers 400 naming the problem for a wrong shape, datatype, name, batch or a non-finite value', async () => {
    const cases: [unknown, RegExp][] = [
      [
        { inputs: [{ ...input(1), shape: [1, 8, 8, 3] }] },
        /input "input": shape \[1, 8, 8, 3\] does not match the model's \[batch, 8, 8, 1\]/,
      ],
      [
        { inputs: [{ ...input(1), shape: [8, 8, 1] }] },
        /shape \[8, 8, 1\] does not match the model's \[batch, 8, 8, 1\]/,
      ],
      [
        { inputs: [{ ...input(1), datatype: 'INT32' }] },
        /input "input": datatype "INT32" is not supported; the model takes FP32/,
      ],
      [{ inputs: [{ ...input(1), name: 'image' }] }, /unknown input "image"; the model takes "input"/],
      [{ inputs: [input(9)] }, /batch 9 is larger than the model's max_batch_size 8/],
      [{ inputs: [{ ...input(1), data: [1, 2, 3] }] }, /"data" holds 3 values, its shape needs 64/],
      [
        { inputs: [{ ...input(1), data: [...input(1).data.slice(1), 1e39] }] },
        /data\[63\] is 1e\+39, not a finite float32 value/,
      ],
      [
        { inputs: [{ ...input(1), data: [...input(1).data.slice(1), 'NaN'] }] },
        /data\[63\] is "NaN", not a number/,
      ],
      [
        { inputs: [input(1)], outputs: [{ name: 'mean' }] },
        /unknown output "mean"; the model returns "reconstruction", "latent"/,
      ],
      [{ inputs: [] }, /"inputs" must be a non-empty array/],
      ['{"inputs": [', /the request body is not JSON/],
    ];
    for (const [body, message] of cases) {
      const r = await post('/v2/models/tiny/infer', body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error).toMatch(message);
      expect(Object.keys(r.body)).toEqual(['error']);
    }
  });

  it('answers 404 for an unknown model, version or endpoint, 405 for a wrong method', async () => {
    const unknown = await post('/v2/models/nope/infer', { inputs: [input(1)] });
    expect(unknown).toEqual({
      status: 404,
      body: { error: 'unknown model "nope"; this server has "tiny", "tiny-encoder"' },
    });
    expect((await get('/v2/models/nope')).status).toBe(404);
    expect(await get('/v2/models/tiny/versions/7')).toEqual({
      status: 404,
      body: { error: 'model "tiny" has no version "7"; served versions: 1, 2' },
    });
    expect((await get('/v2/nothing')).status).toBe(404);
    const wrong = await get('/v2/models/tiny/infer');
    expect(wrong.status).toBe(405);
    expect(wrong.body.error).toMatch(/use POST/);
  });

  it('answers 413 for a body over the limit, and keeps serving', async () => {
    const r = await post('/v2/models/tiny/infer', { inputs: [input(8)] }, small.url);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/request body of \d+ bytes is larger than the limit of 4096 bytes/);
    const ok = await post(
      '/v2/models/tiny/infer',
      { inputs: [{ ...input(1), data: new Array(64).fill(0.5) }] },
      small.url,
    );
    expect(ok.status).toBe(200);
  });

  it('answers 504 when a request outlasts the time limit (here: shorter than the batch window)', async () => {
    const slow = await startInferenceServer({
      repository: repo.dir,
      port: 0,
      requestTimeoutMs: 5,
      log: () => {},
    });
    try {
      const r = await post('/v2/models/tiny/infer', { inputs: [input(1)] }, slow.url);
      expect(r).toEqual({
        status: 504,
        body: { error: 'the request took longer than 5 ms; send fewer samples or retry' },
      });
    } finally {
      await slow.close();
    }
  });

  it('logs one JSON line per request (model, batch, latency) and exposes Prometheus metrics', async () => {
    await post('/v2/models/tiny-encoder/infer', { id: 'logged', inputs: [input(2)] });
    const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.id === 'logged');
    expect(line).toMatchObject({
      event: 'request',
      endpoint: 'model_infer',
      status: 200,
      model: 'tiny-encoder',
      version: 1,
      batch: 2,
    });
    expect(typeof line?.latency_ms).toBe('number');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE aekit_inference_request_duration_seconds histogram');
    expect(text).toMatch(/aekit_inference_request_success_total\{model="tiny-encoder",version="1"\} 1/);
    expect(text).toMatch(/aekit_inference_request_failure_total\{model="nope",status="404"\} 1/);
    expect(text).toMatch(/aekit_http_requests_total\{endpoint="model_infer",status="400"\} \d+/);
  });

  it('shuts down gracefully: requests in flight finish, later ones are refused', async () => {
    // A batch window of 2 s and 6 rows of 8: the requests wait in the batcher until close() has begun.
    const slowRepo = join(repo.dir, '..', `${basename(repo.dir)}-slow`);
    await writeTritonRepository(slowRepo, repo.full, {
      name: 'tiny',
      maxBatchSize: 8,
      maxQueueDelayMicroseconds: 2_000_000,
    });
    const own = await startInferenceServer({ repository: slowRepo, port: 0, log: () => {} });
    try {
      const url = own.url;
      const started = performance.now();
      const inFlight = Array.from({ length: 6 }, (_, i) =>
        post('/v2/models/tiny/infer', { inputs: [input(1, i)] }, url),
      );
      for (let i = 0; i < 500 && own.metrics.inFlight < 6; i++) await new Promise((r) => setTimeout(r, 2));
      expect(own.metrics.inFlight).toBe(6);
      const closed = own.close();
      const refused = await get('/v2/health/live', url).catch((error: Error) => error);
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(performance.now() - started).toBeGreaterThan(1500); // they waited for their batch, not cut short
      await closed;
      expect(refused).toBeInstanceOf(Error); // no new connection once closing
      await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
    } finally {
      await own.close();
      await rm(slowRepo, { recursive: true, force: true });
    }
  });
});
