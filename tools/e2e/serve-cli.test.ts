// `aekit export --format triton` and `aekit serve` as a user runs them: the real CLI spawned through tsx (source
// condition), spoken to over raw HTTP from the Open Inference Protocol on 127.0.0.1. Infer answers equal
// `aekit run` on the same images; SIGTERM during a burst of requests loses none that the server accepted.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRng, paramInfos } from '@aekit/core';
import { saveCheckpoint } from '@aekit/core/node';
import { writeIdx } from '@aekit/datasets';
import { convAutoencoder } from '@aekit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = join(root, 'tools/node_modules/.bin/tsx');
const bin = join(root, 'apps/cli/src/bin.ts');
const N = 4;

let dir: string;
let pixels: Uint8Array;

function aekit(args: string[]): ChildProcess {
  return spawn(tsx, ['--conditions=source', bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** Starts `aekit serve` on a free port; resolves with its URL from the `listening` log line, and every line. */
async function serve(
  repo: string,
): Promise<{ child: ChildProcess; url: string; lines: Record<string, unknown>[] }> {
  const child = aekit(['serve', '--model-repository', repo, '--port', '0']);
  const lines: Record<string, unknown>[] = [];
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('aekit serve did not listen within 60 s')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.event === 'listening') {
        clearTimeout(timer);
        ok(entry.url as string);
      }
    });
    child.on('exit', (code) => fail(new Error(`aekit serve exited with ${code}`)));
  });
  return { child, url, lines };
}

/** One HTTP request on its own connection (no keep-alive); rejects with the socket error. */
function http(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      { method, agent: false, headers: text ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          data += c;
        });
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, json: JSON.parse(data) as Record<string, unknown> }),
        );
        res.on('error', fail);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('timed out')));
    req.on('error', fail);
    req.end(text);
  });
}

function images(): number[] {
  return Array.from(pixels, (p) => p / 255);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-serve-e2e-'));
  const spec = convAutoencoder();
  const rng = createRng(5);
  const weights = paramInfos(spec).map((p) => ({
    name: p.name,
    shape: p.shape,
    data: Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (rng.next() - 0.5) * 0.4),
  }));
  await saveCheckpoint(join(dir, 'run'), { spec, weights, training: { step: 0, epoch: 0 } });
  pixels = Uint8Array.from({ length: N * 784 }, (_, i) => (i * 37 + (i >> 5)) % 256);
  await writeFile(join(dir, 'images.idx'), writeIdx([N, 28, 28], pixels));
  const repo = join(dir, 'repo');
  const exported = await finished(
    aekit([
      'export',
      '--checkpoint',
      join(dir, 'run'),
      '--format',
      'triton',
      '--name',
      'conv',
      '--out',
      repo,
      '--max-batch',
      '16',
    ]),
  );
  expect(exported.code, exported.stderr).toBe(0);
  const ran = await finished(
    aekit([
      'run',
      '--model',
      join(repo, 'conv', '1', 'model.onnx'),
      '--input',
      join(dir, 'images.idx'),
      '--out',
      join(dir, 'run-out'),
      '--format',
      'json',
      '--device',
      'cpu',
    ]),
  );
  expect(ran.code, ran.stderr).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('aekit serve', () => {
  it('answers health, metadata and infer like `aekit run` on the same images (<= 1e-6)', async () => {
    const { child, url } = await serve(join(dir, 'repo'));
    const exit = finished(child);
    try {
      expect(await http(`${url}/v2/health/ready`, 'GET')).toEqual({ status: 200, json: { ready: true } });
      const meta = await http(`${url}/v2/models/conv`, 'GET');
      expect(meta.json.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 28, 28, 1] }]);
      const answer = await http(`${url}/v2/models/conv/versions/1/infer`, 'POST', {
        inputs: [{ name: 'input', shape: [N, 28, 28, 1], datatype: 'FP32', data: images() }],
      });
      expect(answer.status).toBe(200);
      const outputs = answer.json.outputs as { name: string; shape: number[]; data: number[] }[];
      const run = {
        latent: JSON.parse(await readFile(join(dir, 'run-out', 'latents.json'), 'utf8')) as {
          shape: number[];
          data: number[][];
        },
        reconstruction: JSON.parse(await readFile(join(dir, 'run-out', 'reconstructions.json'), 'utf8')) as {
          shape: number[];
          data: number[][];
        },
      };
      for (const name of ['latent', 'reconstruction'] as const) {
        const served = outputs.find((o) => o.name === name)!;
        expect(served.shape).toEqual(run[name].shape);
        const expected = run[name].data.flat();
        expect(served.data.length).toBe(expected.length);
        const diff = Math.max(...served.data.map((v, i) => Math.abs(v - expected[i]!)));
        expect(diff).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      child.kill('SIGTERM');
      expect((await exit).code).toBe(0);
    }
  });

  it('SIGTERM during a burst: every request the server accepted is answered, then it exits 0', async () => {
    const { child, url, lines } = await serve(join(dir, 'repo'));
    const exit = finished(child);
    const body = (id: string) => ({
      id,
      inputs: [{ name: 'input', shape: [1, 28, 28, 1], datatype: 'FP32', data: images().slice(0, 784) }],
    });
    const answered = new Map<string, number>();
    const failed = new Map<string, string>();
    let sent = 0;
    let signalled = false;
    const loop = async (worker: number) => {
      for (let i = 0; i < 100; i++) {
        const id = `w${worker}-${i}`;
        sent += 1;
        if (sent === 60) {
          signalled = true;
          child.kill('SIGTERM');
        }
        try {
          const r = await http(`${url}/v2/models/conv/infer`, 'POST', body(id));
          answered.set(id, r.status);
          if (r.status !== 200) return;
        } catch (error) {
          failed.set(id, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => loop(w)));
    const { code } = await exit;
    expect(signalled).toBe(true);
    expect(code).toBe(0);
    const logged = lines.filter((l) => l.event === 'request' && l.endpoint === 'model_infer' && l.id);
    // Every request the server handled reached its client with the status it logged.
    for (const l of logged) expect(answered.get(l.id as string) ?? `lost ${l.id}`).toBe(l.status);
    // Every connection the server had accepted got its request served (shutdown waits for its first request);
    // what it did not take was refused at the door, before any byte of it was read.
    for (const status of answered.values()) expect(status).toBe(200);
    for (const [id, reason] of failed) {
      expect(['ECONNREFUSED', 'ECONNRESET', 'socket hang up']).toContain(reason);
      expect(logged.some((l) => l.id === id)).toBe(false);
    }
    expect([...answered.values()].filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['shutdown', 'stopped']));
    const shutdown = lines.find((l) => l.event === 'shutdown');
    console.log(
      `burst: ${sent} sent, ${[...answered.values()].filter((s) => s === 200).length} answered 200, ` +
        `${[...answered.values()].filter((s) => s === 503).length} refused 503, ${failed.size} not accepted ` +
        `(${[...new Set(failed.values())].join(', ')}); ${shutdown?.inFlight} in flight at SIGTERM`,
    );
  });
});
