import {
  type Autoencoder,
  BackendUnavailableError,
  batchCount,
  type Device,
  formatShape,
  infoOnce,
  type ModelSpec,
  OptionError,
  parseDevice,
  ShapeMismatchError,
  shapeSize,
  shapesEqual,
  type TensorData,
} from '@aekit/core';
import { OnnxModelError } from './errors.js';
import { checkRuntimeDevice, type ProviderCandidate, providerCandidates } from './execution-providers.js';
import { IO_NAMES, type OnnxModelInfo } from './metadata.js';
import { pruneToOutputs } from './prune-graph.js';
import { type ModelSource, readOnnxInfo, sourceBytes } from './read-model.js';
import type { OrtModule, OrtSession, Runtime, RuntimeLoader } from './runtime.js';

export interface SessionOptions {
  /** One of core's device words (see `DEVICES` of `@aekit/core`; `js` has no ONNX Runtime provider). Default 'auto'. */
  device?: Device;
  /** Which ONNX Runtime package to use; defaults to 'node' in Node (except device 'wasm') and 'web' in browsers. */
  runtime?: Runtime;
  /** The per-sample input shape you will feed: checked against the model when it loads. */
  inputShape?: readonly number[];
  /**
   * Samples per ONNX Runtime call in encode/decode/reconstruct. Default 1024 on onnxruntime-node (5-15%
   * more images/s than 256 on the zoo's dense, deep and conv models: docs/benchmarks.md), 256 on
   * onnxruntime-web (a browser tab's memory).
   */
  batchSize?: number;
  /** onnxruntime-node's intra-op threads (default: ONNX Runtime's, one per physical core). */
  threads?: number;
}

/**
 * What every onnxruntime-node session is created with. The intra-op pool's threads do not spin while they
 * wait for work: on a machine whose cores also run other work, spinning threads take the cores from the
 * thread doing the work (2 threads, batch 1024, load average about 4 on 2 cores: dense 57,103 img/s with
 * spinning, 120,922 without; deep 40,443 / 60,752; conv 11,861 / 13,433; tools/bench/onnx-session-options.ts,
 * docs/benchmarks.md). Left at ONNX Runtime's defaults because nothing else measured better:
 * graphOptimizationLevel 'all' (= 'basic' or better), executionMode 'sequential' ('parallel' ran at a
 * fifth to a half of it), enableCpuMemArena on (off: equal or slower). Outputs: see mapBatches.
 */
const NODE_SESSION_OPTIONS = {
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
} as const;

/** What the platform entry (Node or browser) supplies to createSession. */
export interface Platform {
  defaultRuntime: (device: Device) => Runtime;
  runtimes: readonly Runtime[];
  load: RuntimeLoader;
  readPath: (path: string) => Promise<Uint8Array>;
  hasWebGpu: () => boolean;
  /** Whether onnxruntime-node's CUDA provider binaries are installed (then 'auto' tries CUDA first). */
  hasCuda: () => boolean;
  /**
   * A float32 array that the session overwrites whole before returning it: may skip zeroing (Node's
   * `Buffer.allocUnsafeSlow`, its own ArrayBuffer). Default `new Float32Array(length)`.
   */
  allocOutput?: (length: number) => Float32Array;
}

/**
 * An ONNX model loaded in ONNX Runtime. Implements core's `Autoencoder` where the exported part allows:
 * `encode` (encoder or full export), `decode` (decoder export), `reconstruct` (full export), plus raw `run`.
 */
export class OnnxSession implements Autoencoder {
  /** Graph input and output names. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The full export pruned to its code outputs, loaded on the first encode (see codeSession). */
  private encoderSession?: Promise<OrtSession>;

  constructor(
    private readonly session: OrtSession,
    private readonly ort: OrtModule,
    /** aekit metadata, null for an ONNX model exported by another tool (then only `run` works). */
    readonly info: OnnxModelInfo | null,
    readonly runtime: Runtime,
    /** The device word asked for (`auto`, `gpu`...); `executionProviders` says what it resolved to. */
    readonly device: Device,
    /** The execution providers asked for, in order. */
    readonly executionProviders: readonly string[],
    private readonly batchSize: number,
    /** Loads a copy of this model pruned to the given outputs, with the same providers and options. */
    private readonly openPruned?: (outputs: readonly string[]) => Promise<OrtSession>,
    /** Allocates a result array that the session fills whole (see Platform.allocOutput). */
    private readonly allocOutput: (length: number) => Float32Array = (length) => new Float32Array(length),
  ) {
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
  }

  get spec(): ModelSpec {
    return this.requireInfo('spec').spec;
  }

  /** True when the graph holds the spec's scaler: encode, decode and reconstruct take and return raw values. */
  get rawValues(): boolean {
    return this.info?.spec.scaler !== undefined;
  }

  private requireInfo(what: string): OnnxModelInfo {
    if (!this.info) {
      throw new OnnxModelError(
        `${what} needs aekit metadata, which this ONNX model lacks: use run() with its inputs ${formatShape(this.inputNames)}`,
      );
    }
    return this.info;
  }

  /** Runs the graph on raw feeds (shapes include the batch axis); returns every output, or those in `fetches`. */
  async run(
    feeds: Record<string, TensorData>,
    fetches?: readonly string[],
  ): Promise<Record<string, TensorData>> {
    return this.runOn(this.session, feeds, fetches);
  }

  /** `into`: preallocated outputs that ONNX Runtime writes (the returned record then holds those arrays). */
  private async runOn(
    session: OrtSession,
    feeds: Record<string, TensorData>,
    fetches?: readonly string[],
    into?: Record<string, TensorData>,
  ): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, InstanceType<OrtModule['Tensor']>> = {};
    for (const name of this.inputNames) {
      const feed = feeds[name];
      if (!feed) {
        throw new ShapeMismatchError(
          `missing input "${name}": the model takes ${formatShape(this.inputNames)}, got ${formatShape(Object.keys(feeds))}`,
          this.inputNames,
          Object.keys(feeds),
        );
      }
      if (feed.data.length !== shapeSize(feed.shape)) {
        throw new ShapeMismatchError(
          `input "${name}": shape ${formatShape(feed.shape)} needs ${shapeSize(feed.shape)} values, got ${feed.data.length}`,
          shapeSize(feed.shape),
          feed.data.length,
        );
      }
      ortFeeds[name] = new this.ort.Tensor('float32', feed.data, feed.shape);
    }
    let result: Record<string, { dims: readonly number[]; data: unknown }>;
    try {
      const targets = into
        ? Object.fromEntries(
            Object.entries(into).map(([k, v]) => [k, new this.ort.Tensor('float32', v.data, v.shape)]),
          )
        : fetches;
      result = await session.run(ortFeeds, targets);
    } catch (cause) {
      throw new ShapeMismatchError(
        `ONNX Runtime rejected the inputs ${Object.entries(feeds)
          .map(([k, v]) => `${k} ${formatShape(v.shape)}`)
          .join(', ')}: ${(cause as Error).message}`,
        this.info ? formatShape(['batch', ...this.info.inputShape]) : 'the graph input shapes',
        Object.values(feeds).map((f) => formatShape(f.shape)),
        { cause },
      );
    }
    const out: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(result))
      out[name] = { shape: [...t.dims], data: t.data as Float32Array };
    return out;
  }

  /** Checks one batch's output against the per-sample shape the metadata promises. */
  private checkedOutput(
    out: Record<string, TensorData>,
    name: string,
    count: number,
    sampleOut: readonly number[],
    what: string,
  ): Float32Array {
    const data = out[name]!.data;
    const expected = count * shapeSize(sampleOut);
    if (data.length !== expected) {
      throw new OnnxModelError(
        `${what}: the model returned ${data.length} values of "${name}" (shape ${formatShape(out[name]!.shape)}) for ${count} samples, but its metadata promises ${formatShape(sampleOut)} per sample; the file is damaged or was changed after export: export it again`,
        { details: { output: name, expected, actual: data.length } },
      );
    }
    return data;
  }

  /**
   * Runs batched samples through one input/output pair, `batchSize` samples per call. What costs beyond the
   * graph's own work is fresh memory (about 3 us per 4 KiB page touched first on a 2-core VM, as much as a
   * dense model's whole decoder) and copies of it, so: samples that fit one call come back in ONNX
   * Runtime's own output arrays, not copied; more are written into one result array, which onnxruntime-node
   * fills as a preallocated output (no array of its own per call) and the platform allocates without
   * zeroing (docs/benchmarks.md, "Where reconstruct's time went").
   */
  private async mapBatches(
    x: Float32Array,
    inputName: string,
    sampleIn: readonly number[],
    outputs: readonly string[],
    sampleOut: readonly number[],
    what: string,
    session = this.session,
  ): Promise<Float32Array[]> {
    if (!this.inputNames.includes(inputName) || outputs.some((o) => !this.outputNames.includes(o))) {
      const info = this.requireInfo(what);
      throw new OptionError(
        `${what} is not available from the "${info.part}" export of "${info.name}" (inputs ${formatShape(this.inputNames)}, outputs ${formatShape(this.outputNames)}); export the ${what === 'decode' ? 'decoder' : what === 'reconstruct' ? 'full model' : 'encoder or full model'} with exportOnnx(spec, weights, { part })`,
      );
    }
    const n = batchCount(x, sampleIn, `${what} input (samples of ${formatShape(sampleIn)})`);
    if (n > 0 && n <= this.batchSize) {
      const out = await this.runOn(session, { [inputName]: { shape: [n, ...sampleIn], data: x } }, outputs);
      return outputs.map((name) => this.checkedOutput(out, name, n, sampleOut, what));
    }
    const per = shapeSize(sampleIn);
    const perOut = shapeSize(sampleOut);
    const results = outputs.map(() => this.allocOutput(n * perOut));
    // Preallocated outputs only where measured (onnxruntime-node); after one refusal (e.g. a graph whose
    // output dims differ from the metadata's in shape but not in size) every batch is copied.
    let into = this.runtime === 'node';
    for (let start = 0; start < n; start += this.batchSize) {
      const count = Math.min(this.batchSize, n - start);
      const feeds = {
        [inputName]: { shape: [count, ...sampleIn], data: x.subarray(start * per, (start + count) * per) },
      };
      if (into) {
        const targets = Object.fromEntries(
          outputs.map((name, i) => [
            name,
            {
              shape: [count, ...sampleOut],
              data: results[i]!.subarray(start * perOut, (start + count) * perOut),
            },
          ]),
        );
        into = await this.runOn(session, feeds, outputs, targets).then(
          () => true,
          () => false,
        );
        if (into) continue;
      }
      const out = await this.runOn(session, feeds, outputs);
      outputs.forEach((name, i) => {
        results[i]!.set(this.checkedOutput(out, name, count, sampleOut, what), start * perOut);
      });
    }
    return results;
  }

  /**
   * The session `encode` runs: on a full export, the graph pruned to its code outputs (loaded once), since
   * ONNX Runtime runs every node whatever the fetches (a full export's encode measured as slow as its
   * reconstruct); otherwise the model's own session.
   */
  private codeSession(codes: readonly string[]): Promise<OrtSession> {
    const full = this.outputNames.includes(IO_NAMES.reconstruction);
    if (!full || !this.openPruned || codes.some((c) => !this.outputNames.includes(c)))
      return Promise.resolve(this.session);
    this.encoderSession ??= this.openPruned(this.outputNames.filter((o) => o !== IO_NAMES.reconstruction));
    return this.encoderSession;
  }

  /** [n, ...inputShape] -> [n, ...latentShape] (the mean for a VAE). */
  async encode(x: Float32Array): Promise<Float32Array> {
    const info = this.requireInfo('encode');
    const code = info.kind === 'vae' ? IO_NAMES.mean : IO_NAMES.latent;
    const [z] = await this.mapBatches(
      x,
      IO_NAMES.input,
      info.spec.inputShape,
      [code],
      info.latentShape,
      'encode',
      await this.codeSession([code]),
    );
    return z!;
  }

  /** VAE only: mean and log-variance of q(z|x). */
  async encodeDistribution(x: Float32Array): Promise<{ mean: Float32Array; logVar: Float32Array }> {
    const info = this.requireInfo('encodeDistribution');
    if (info.kind !== 'vae')
      throw new OptionError(`encodeDistribution needs a VAE; "${info.name}" has a deterministic code`);
    const [mean, logVar] = await this.mapBatches(
      x,
      IO_NAMES.input,
      info.spec.inputShape,
      [IO_NAMES.mean, IO_NAMES.logVar],
      info.latentShape,
      'encode',
      await this.codeSession([IO_NAMES.mean, IO_NAMES.logVar]),
    );
    return { mean: mean!, logVar: logVar! };
  }

  /** [n, ...latentShape] -> [n, ...outputShape]. */
  async decode(z: Float32Array): Promise<Float32Array> {
    const info = this.requireInfo('decode');
    const [y] = await this.mapBatches(
      z,
      IO_NAMES.latent,
      info.latentShape,
      [IO_NAMES.reconstruction],
      info.spec.outputShape ?? info.spec.inputShape,
      'decode',
    );
    return y!;
  }

  /** [n, ...inputShape] -> [n, ...outputShape]. */
  async reconstruct(x: Float32Array): Promise<Float32Array> {
    const info = this.requireInfo('reconstruct');
    const [y] = await this.mapBatches(
      x,
      IO_NAMES.input,
      info.spec.inputShape,
      [IO_NAMES.reconstruction],
      info.outputShape,
      'reconstruct',
    );
    return y!;
  }

  async dispose(): Promise<void> {
    const pruned = this.encoderSession;
    this.encoderSession = undefined;
    await this.session.release();
    if (pruned) await (await pruned).release();
  }
}

/**
 * Creates a session on the first candidate that loads the model. An unavailable or failing accelerator is
 * skipped with its reason (logged once when a later one is used); when none is left the error lists every
 * candidate with its reason and fix. A CPU or WASM failure means the model itself is at fault.
 */
async function createOnFirst(
  ort: OrtModule,
  model: Uint8Array,
  candidates: readonly ProviderCandidate[],
  device: Device,
  runtime: Runtime,
  what: string,
  sessionOptions: { intraOpNumThreads?: number; extra?: Record<string, unknown> },
): Promise<{ session: OrtSession; executionProviders: string[] }> {
  const skipped: string[] = [];
  const failures: string[] = [];
  let lastCause: unknown;
  for (const candidate of candidates) {
    const fail = (reason: string) => {
      skipped.push(`[${candidate.name}] ${reason}`);
      failures.push(`[${candidate.name}] ${reason}. To fix: ${candidate.fix}`);
    };
    if (candidate.unavailable) {
      fail(candidate.unavailable);
      continue;
    }
    try {
      const executionProviders = candidate.providers;
      const session = await ort.InferenceSession.create(model, {
        ...sessionOptions,
        executionProviders,
        logSeverityLevel: 3,
      });
      if (skipped.length) {
        infoOnce(
          `onnx-${runtime}-${device}`,
          `onnx device: ${candidate.name} (${device}: skipped ${skipped.join('; ')})`,
        );
      }
      return { session, executionProviders };
    } catch (cause) {
      const message = ((cause as Error).message ?? String(cause)).trim();
      if (!candidate.fix) {
        throw new OnnxModelError(`ONNX Runtime (${runtime}) could not load ${what}: ${message}`, { cause });
      }
      lastCause = cause;
      fail(message);
    }
  }
  throw new BackendUnavailableError(
    `device "${device}" (onnxruntime-${runtime}) could not load ${what}:\n  ${failures.join('\n  ')}`,
    { cause: lastCause, details: { device, runtime, failures } },
  );
}

/** createSession with the platform's loaders (see node-platform.ts and browser-platform.ts). */
export async function createSessionOn(
  platform: Platform,
  source: ModelSource,
  options: SessionOptions = {},
): Promise<OnnxSession> {
  const device = parseDevice(options.device ?? 'auto');
  const runtime = options.runtime ?? platform.defaultRuntime(device);
  if (!platform.runtimes.includes(runtime)) {
    throw new OptionError(
      `runtime "${runtime}" is not available here; use one of ${platform.runtimes.join(', ')}`,
    );
  }
  checkRuntimeDevice(runtime, device);
  const batchSize = options.batchSize ?? (runtime === 'node' ? 1024 : 256);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new OptionError(`batchSize must be a positive integer, got ${batchSize}`);
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw new OptionError(`threads must be a positive integer, got ${threads}`);
  if (threads !== undefined && runtime !== 'node') {
    throw new OptionError(
      `threads applies to onnxruntime-node only; for onnxruntime-web set ort.env.wasm.numThreads, or use runtime 'node'`,
    );
  }
  const sessionOptions =
    runtime === 'node' ? { ...NODE_SESSION_OPTIONS, ...(threads ? { intraOpNumThreads: threads } : {}) } : {};
  const bytes = await sourceBytes(source, platform.readPath);
  const what = typeof source === 'string' ? `ONNX model "${source}"` : 'ONNX model';
  const info = readOnnxInfo(bytes, what);
  if (options.inputShape && info && !shapesEqual(options.inputShape, info.inputShape)) {
    throw new ShapeMismatchError(
      `${what} ("${info.name}", ${info.part}) takes samples of shape ${formatShape(info.inputShape)}, but your data has shape ${formatShape(options.inputShape)}; export a model for this input shape or resize the data`,
      info.inputShape,
      options.inputShape,
    );
  }
  const ort = await platform.load(runtime, device);
  const candidates = providerCandidates(runtime, device, {
    hasCuda: runtime === 'node' && platform.hasCuda(),
    hasWebGpu: runtime === 'web' && platform.hasWebGpu(),
    nodeProviders: runtime === 'node' ? ort.listSupportedBackends?.().map((b) => b.name) : undefined,
  });
  // onnxruntime-web may transfer the buffer to its worker (proxy mode): keep the caller's bytes intact.
  const model = runtime === 'web' ? bytes.slice() : bytes;
  const { session, executionProviders } = await createOnFirst(
    ort,
    model,
    candidates,
    device,
    runtime,
    what,
    sessionOptions,
  );
  const openPruned = (outputs: readonly string[]) =>
    ort.InferenceSession.create(pruneToOutputs(bytes, outputs), {
      ...sessionOptions,
      executionProviders,
      logSeverityLevel: 3,
    });
  return new OnnxSession(
    session,
    ort,
    info,
    runtime,
    device,
    executionProviders,
    batchSize,
    openPruned,
    platform.allocOutput,
  );
}
