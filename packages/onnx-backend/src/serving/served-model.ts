// A model of the repository loaded in ONNX Runtime: its versions, metadata, and batched inference.
import { readFile } from 'node:fs/promises';
import { DataError, type Device, formatShape, type TensorData } from '@aekit/core';
import { createSession } from '../node-platform.js';
import type { OnnxSession } from '../session.js';
import { DynamicBatcher } from './dynamic-batcher.js';
import { graphSignature } from './graph-signature.js';
import type { CheckedInferRequest, ModelSignature } from './infer-request.js';
import type { RepositoryModel } from './model-repository.js';
import type { ModelMetadata } from './protocol.js';

export interface ServedModelOptions {
  device?: Device;
  /** Dynamic batching as the config says (default), or off: every request runs on its own. */
  dynamicBatching?: boolean;
}

/** One version of a served model: its session, signature and (when the config enables it) batcher. */
export class ServedVersion {
  private readonly batcher: DynamicBatcher<CheckedInferRequest, Record<string, TensorData>> | undefined;

  constructor(
    readonly model: string,
    readonly version: number,
    readonly session: OnnxSession,
    readonly signature: ModelSignature,
    /** Queue delay of dynamic batching in ms, or undefined when requests run one by one. */
    readonly batchDelayMs: number | undefined,
  ) {
    if (batchDelayMs !== undefined && signature.maxBatchSize > 0) {
      this.batcher = new DynamicBatcher({
        maxBatchSize: signature.maxBatchSize,
        maxDelayMs: batchDelayMs,
        size: (r) => r.batch,
        run: (requests) => this.runBatch(requests),
      });
    }
  }

  get batching(): boolean {
    return this.batcher !== undefined;
  }

  /** Runs one checked request (in a batch with others when batching is on); every output of the graph. */
  infer(request: CheckedInferRequest): Promise<Record<string, TensorData>> {
    if (this.batcher) return this.batcher.submit(request);
    this.onBatch?.(request.batch);
    return this.session.run(request.feeds);
  }

  /** Called with the rows of every batch that runs (for metrics). */
  onBatch: ((rows: number) => void) | undefined;

  private async runBatch(requests: CheckedInferRequest[]): Promise<Record<string, TensorData>[]> {
    const rows = requests.reduce((n, r) => n + r.batch, 0);
    this.onBatch?.(rows);
    if (requests.length === 1) return [await this.session.run(requests[0]!.feeds)];
    const feeds: Record<string, TensorData> = {};
    for (const input of this.signature.inputs) {
      const parts = requests.map((r) => r.feeds[input.name]!);
      const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
      let offset = 0;
      for (const p of parts) {
        data.set(p.data, offset);
        offset += p.data.length;
      }
      feeds[input.name] = { shape: [rows, ...parts[0]!.shape.slice(1)], data };
    }
    const out = await this.session.run(feeds);
    let start = 0;
    return requests.map((r) => {
      const mine: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(out)) {
        const per = t.data.length / rows;
        mine[name] = {
          shape: [r.batch, ...t.shape.slice(1)],
          data: t.data.slice(start * per, (start + r.batch) * per),
        };
      }
      start += r.batch;
      return mine;
    });
  }
}

function metadataShape(dims: readonly number[], maxBatchSize: number): number[] {
  return maxBatchSize > 0 ? [-1, ...dims] : [...dims];
}

/** A repository model with every served version loaded. */
export class ServedModel {
  constructor(
    readonly name: string,
    readonly platform: string,
    readonly versions: ReadonlyMap<number, ServedVersion>,
  ) {}

  /** The highest version: what `/v2/models/{name}/infer` without a version runs. */
  get latest(): ServedVersion {
    return [...this.versions.values()].at(-1)!;
  }

  metadata(version?: ServedVersion): ModelMetadata {
    const v = version ?? this.latest;
    const tensor = (t: { name: string; dims: readonly number[] }) => ({
      name: t.name,
      datatype: 'FP32' as const,
      shape: metadataShape(t.dims, v.signature.maxBatchSize),
    });
    return {
      name: this.name,
      versions: [...this.versions.keys()].map(String),
      platform: this.platform,
      inputs: v.signature.inputs.map(tensor),
      outputs: v.signature.outputs.map(tensor),
    };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.versions.values()].map((v) => v.session.dispose()));
  }

  static async load(model: RepositoryModel, options: ServedModelOptions = {}): Promise<ServedModel> {
    const { config } = model;
    const maxBatchSize = config.max_batch_size ?? 0;
    const delayUs = config.dynamic_batching
      ? (config.dynamic_batching.max_queue_delay_microseconds ?? 0)
      : undefined;
    const batchDelayMs =
      options.dynamicBatching === false || delayUs === undefined ? undefined : delayUs / 1000;
    const versions = new Map<number, ServedVersion>();
    try {
      for (const { version, path } of model.versions) {
        const bytes = new Uint8Array(await readFile(path));
        const graph = graphSignature(bytes, path);
        const fromGraph = (list: typeof graph.inputs) =>
          list.map((t) => ({ name: t.name, dims: maxBatchSize > 0 ? t.dims.slice(1) : t.dims }));
        const signature: ModelSignature = {
          inputs: config.input?.length
            ? config.input.map((t) => ({ name: t.name, dims: t.dims }))
            : fromGraph(graph.inputs),
          outputs: config.output?.length
            ? config.output.map((t) => ({ name: t.name, dims: t.dims }))
            : fromGraph(graph.outputs),
          maxBatchSize,
        };
        const session = await createSession(bytes, { device: options.device ?? 'cpu' });
        versions.set(version, new ServedVersion(model.name, version, session, signature, batchDelayMs));
        const declared = signature.inputs.map((t) => t.name).sort();
        const actual = [...session.inputNames].sort();
        if (formatShape(declared) !== formatShape(actual)) {
          throw new DataError(
            'DATA_INVALID',
            `${path}: config.pbtxt names inputs ${formatShape(declared)} but the graph takes ${formatShape(actual)}`,
          );
        }
      }
    } catch (error) {
      await Promise.all([...versions.values()].map((v) => v.session.dispose()));
      throw error;
    }
    return new ServedModel(model.name, config.platform || 'onnxruntime_onnx', versions);
  }
}
