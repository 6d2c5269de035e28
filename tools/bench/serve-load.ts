/**
 * Load test of `aekit serve`: requests/s and p50/p99 latency for the conv autoencoder (one 28x28x1 image per
 * request, JSON over HTTP/1.1 keep-alive) at 1, 16 and 64 concurrent clients, dynamic batching on and off,
 * against the same model run in a loop in-process with ONNX Runtime (the ceiling: no HTTP, no JSON). The
 * server is the real CLI in its own process on 127.0.0.1; every phase is bounded in time and count and the
 * script stops by itself. Writes docs/serving.md.
 *   pnpm --filter @aekit/tools bench:serve [seconds per cell = 6]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRng, initialWeights, setLogger } from '@aekit/core';
import { convAutoencoder } from '@aekit/models';
import { AEKIT_VERSION, createSession, exportOnnx, writeTritonRepository } from '@aekit/onnx-backend';

const seconds = Number(process.argv[2] ?? 6);
const WARMUP_S = 1;
const CONCURRENCY = [1, 16, 64] as const;
const MAX_REQUESTS_PER_CELL = 200_000;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Whatever happens, the script ends: the 10 cells take (warm-up + seconds) each, plus start-ups.
const hardStop = setTimeout(
  () => {
    console.error('serve-load: hard time limit reached, stopping');
    process.exit(1);
  },
  (60 + 10 * (WARMUP_S + seconds) + 120) * 1000,
);
hardStop.unref();

setLogger({ info() {}, warn() {} });
const spec = convAutoencoder();
const weights = initialWeights(spec, 0);
const model = exportOnnx(spec, weights, { part: 'full' });
const rng = createRng(1);
const image = Float32Array.from({ length: 784 }, () => Math.round(rng.next() * 255) / 255);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Cell {
  label: string;
  clients: number | string;
  rps: number;
  p50: number;
  p99: number;
  meanBatch?: number;
  requests: number;
  errors: number;
}

/** The ceiling: session.run in a loop, `clients` calls at a time (1 or 64 samples per call). */
async function ceiling(batch: number): Promise<Cell> {
  const session = await createSession(model, { device: 'cpu' });
  const data = new Float32Array(batch * 784);
  for (let i = 0; i < batch; i++) data.set(image, i * 784);
  const feed = { input: { shape: [batch, 28, 28, 1], data } };
  const warm = performance.now() + WARMUP_S * 1000;
  while (performance.now() < warm) await session.run(feed);
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end && latencies.length < MAX_REQUESTS_PER_CELL) {
    const t = performance.now();
    await session.run(feed);
    latencies.push(performance.now() - t);
  }
  await session.dispose();
  latencies.sort((a, b) => a - b);
  return {
    label: `in-process session.run, ${batch} sample${batch > 1 ? 's' : ''} per call`,
    clients: 1,
    rps: (latencies.length * batch) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: latencies.length,
    errors: 0,
  };
}

function startServer(repo: string, batching: boolean): Promise<{ child: ChildProcess; url: string }> {
  const tsx = join(root, 'tools/node_modules/.bin/tsx');
  const args = [
    '--conditions=source',
    join(root, 'apps/cli/src/bin.ts'),
    'serve',
    '--model-repository',
    repo,
    '--port',
    '0',
  ];
  if (!batching) args.push('--no-dynamic-batching');
  // Request logs go to a pipe that is drained (one JSON line per request is part of the cost measured).
  const child = spawn(tsx, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('aekit serve did not start within 60 s')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      ok({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.on('exit', (code) => fail(new Error(`aekit serve exited with ${code}`)));
  });
}

interface RequestBody {
  bytes: Buffer;
  /** Set for the binary tensor data extension: the JSON header's length. */
  headerLength?: number;
}

function post(agent: Agent, url: string, body: RequestBody): Promise<number> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string | number> = {
      'content-type': body.headerLength === undefined ? 'application/json' : 'application/octet-stream',
      'content-length': body.bytes.length,
    };
    if (body.headerLength !== undefined) headers['inference-header-content-length'] = body.headerLength;
    const req = request(`${url}/v2/models/conv/infer`, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        // Read the answer as a client would: the JSON (header), and the raw outputs as float32.
        const all = Buffer.concat(chunks);
        const jsonLength = Number(res.headers['inference-header-content-length'] ?? all.length);
        const json = JSON.parse(all.subarray(0, jsonLength).toString('utf8')) as { outputs?: unknown[] };
        const raw = all.subarray(jsonLength);
        if (raw.length) new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
        ok(res.statusCode === 200 && json.outputs?.length === 2 ? 200 : (res.statusCode ?? 0));
      });
      res.on('error', fail);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    req.on('error', fail);
    req.end(body.bytes);
  });
}

async function meanBatch(url: string): Promise<{ rows: number; batches: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { rows: num('aekit_inference_batch_size_sum'), batches: num('aekit_inference_batch_size_count') };
}

function requestBody(binary: boolean): RequestBody {
  if (!binary) {
    const json = {
      inputs: [{ name: 'input', shape: [1, 28, 28, 1], datatype: 'FP32', data: Array.from(image) }],
    };
    return { bytes: Buffer.from(JSON.stringify(json)) };
  }
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: 'input', shape: [1, 28, 28, 1], datatype: 'FP32', parameters: { binary_data_size: 784 * 4 } },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  const bytes = Buffer.concat([header, Buffer.from(image.buffer, image.byteOffset, image.byteLength)]);
  return { bytes, headerLength: header.length };
}

async function load(url: string, clients: number, batching: boolean, binary = false): Promise<Cell> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const body = requestBody(binary);
  const latencies: number[] = [];
  let errors = 0;
  let phase: 'warm' | 'measure' | 'done' = 'warm';
  let before = { rows: 0, batches: 0 };
  const worker = async () => {
    while (phase !== 'done' && latencies.length < MAX_REQUESTS_PER_CELL) {
      const t = performance.now();
      const status = await post(agent, url, body).catch(() => 0);
      if (phase !== 'measure') continue;
      if (status === 200) latencies.push(performance.now() - t);
      else errors += 1;
    }
  };
  const workers = Array.from({ length: clients }, worker);
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  before = await meanBatch(url);
  phase = 'measure';
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  phase = 'done';
  const elapsed = (performance.now() - start) / 1000;
  await Promise.all(workers);
  const after = await meanBatch(url);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    label: `aekit serve, dynamic batching ${batching ? 'on' : 'off'}${binary ? ', binary tensors' : ''}`,
    clients,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    meanBatch: (after.rows - before.rows) / Math.max(1, after.batches - before.batches),
    requests: latencies.length,
    errors,
  };
}

async function tree(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(`${relative(base, path)}/`, ...(await tree(path, base)));
    else out.push(`${relative(base, path)} (${(await stat(path)).size.toLocaleString('en-US')} B)`);
  }
  return out;
}

const loadAtStart = loadavg()[0]!;
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string })
  .version;
const dir = await mkdtemp(join(tmpdir(), 'aekit-serve-load-'));
try {
  const repo = join(dir, 'models');
  await writeTritonRepository(repo, model.bytes, { name: 'conv', maxBatchSize: 64 });
  const layout = await tree(repo);
  const cells: Cell[] = [];
  for (const batch of [1, 64]) {
    cells.push(await ceiling(batch));
    console.log(cells.at(-1));
  }
  for (const batching of [true, false]) {
    const { child, url } = await startServer(repo, batching);
    const exited = new Promise((r) => child.on('exit', r));
    try {
      for (const clients of CONCURRENCY) {
        cells.push(await load(url, clients, batching));
        console.log(cells.at(-1));
      }
      if (batching) {
        // The same with the protocol's binary tensor extension (raw float32 instead of JSON numbers).
        for (const clients of [16, 64]) {
          cells.push(await load(url, clients, batching, true));
          console.log(cells.at(-1));
        }
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }
  const f = (n: number, d = 1) => n.toFixed(d);
  const rows = cells.map(
    (c) =>
      `| ${c.label} | ${c.clients} | ${Math.round(c.rps).toLocaleString('en-US')} | ${f(c.p50, 2)} | ${f(c.p99, 2)} | ${c.meanBatch === undefined ? '' : f(c.meanBatch)} | ${c.requests.toLocaleString('en-US')} | ${c.errors} |`,
  );
  const cpu = cpus();
  const doc = `# Serving: aekit serve under load

Written by \`pnpm --filter @aekit/tools bench:serve\` (tools/bench/serve-load.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Do not edit by hand: run the script again.

The conv autoencoder of \`@aekit/models\` (\`convAutoencoder()\`, full part: \`reconstruction\` [1, 28, 28, 1] and
\`latent\` [1, 4, 4, 8] per request), exported with \`writeTritonRepository\` (max_batch_size 64, dynamic batching
with a 2 ms queue delay) and served by \`aekit serve\` (the CLI, its own process, ONNX Runtime CPU) on
127.0.0.1. Each request carries one image as JSON (\`FP32\`, 784 values) over HTTP/1.1 keep-alive; the clients
run in the script's process and parse every answer. Each cell: ${WARMUP_S} s warm-up, then ${seconds} s measured.
The ceiling is the same ONNX model run in a loop in the script's process (\`session.run\`, no HTTP, no JSON),
in samples/s.

Machine: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, shared (1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end: other
work ran beside the test, so compare rows with each other rather than with another machine), Node ${process.version},
onnxruntime-node ${ortVersion}, aekit ${AEKIT_VERSION}.

| setup | clients | samples/s | p50 ms | p99 ms | mean batch | requests | errors |
| ----- | ------: | --------: | -----: | -----: | ---------: | -------: | -----: |
${rows.join('\n')}

"mean batch" is the rows per ONNX Runtime run the server formed (its \`aekit_inference_batch_size\` metric).
With one client dynamic batching can only add its queue delay; with many, it trades that delay for fewer,
larger runs. The gap to the ceiling is HTTP and JSON: one request's 784 input values and 912 output values
are parsed and printed as text on both sides; the "binary tensors" rows send and receive them as raw
float32 bytes after a small JSON header (the protocol's binary extension, Triton's clients' default).

## The repository it served

\`aekit export --checkpoint RUN --format triton --name conv --out models\` writes the same layout:

\`\`\`
models/
${layout.map((l) => `  ${l}`).join('\n')}
\`\`\`
`;
  await writeFile(join(root, 'docs/serving.md'), doc);
  console.log(doc);
} finally {
  await rm(dir, { recursive: true, force: true });
}
