// A typed client of the Open Inference Protocol (v2) over HTTP/JSON, on fetch: talks to aekit serve, Triton,
// KServe, MLServer or any other v2 server, in Node or in a browser.
import type { TensorData } from '@aekit/core';
import type { InferRequest, InferResponse, ModelMetadata, ServerMetadata } from './protocol.js';
import { InferenceServerError } from './serving-error.js';

export interface InferenceClientOptions {
  /** Per-request time limit in ms. Default 30 s. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. authorization for a KServe ingress). */
  headers?: Record<string, string>;
  /** The fetch to use. Default: the global one. */
  fetch?: typeof fetch;
}

/** Tensors by name, float32 with their full shapes (batch axis first). */
export type Tensors = Record<string, TensorData>;

function modelPath(name: string, version?: string | number): string {
  const base = `/v2/models/${encodeURIComponent(name)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(String(version))}`;
}

/**
 * `new InferenceClient('http://127.0.0.1:8000')`: health, metadata and infer. A 4xx/5xx answer throws
 * InferenceServerError with the status and the server's `error` message; an unreachable server or a timeout
 * throws it with status 0 (the health checks answer false instead).
 */
export class InferenceClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly options: InferenceClientOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.options.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      const reason =
        (cause as Error).name === 'TimeoutError' ? 'timed out' : ((cause as Error).message ?? String(cause));
      throw new InferenceServerError(0, `${method} ${url}: ${reason}`, { cause });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { error: text.slice(0, 200) };
    }
    return { status: response.status, json };
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { status, json } = await this.request(method, path, body);
    if (status < 200 || status >= 300) {
      const message = (json as { error?: unknown })?.error;
      throw new InferenceServerError(
        status,
        `${method} ${path}: ${status} ${typeof message === 'string' ? message : JSON.stringify(json)}`,
      );
    }
    return json as T;
  }

  /** True when GET `path` answers 200; false for any other status or an unreachable server. */
  private async ok(path: string): Promise<boolean> {
    try {
      return (await this.request('GET', path)).status === 200;
    } catch {
      return false;
    }
  }

  /** `GET /v2/health/live`. */
  isLive(): Promise<boolean> {
    return this.ok('/v2/health/live');
  }

  /** `GET /v2/health/ready`. */
  isReady(): Promise<boolean> {
    return this.ok('/v2/health/ready');
  }

  /** `GET /v2/models/{name}[/versions/{v}]/ready`. */
  isModelReady(name: string, version?: string | number): Promise<boolean> {
    return this.ok(`${modelPath(name, version)}/ready`);
  }

  /** `GET /v2`. */
  serverMetadata(): Promise<ServerMetadata> {
    return this.call('GET', '/v2');
  }

  /** `GET /v2/models/{name}[/versions/{v}]`. */
  modelMetadata(name: string, version?: string | number): Promise<ModelMetadata> {
    return this.call('GET', modelPath(name, version));
  }

  /** `POST /v2/models/{name}[/versions/{v}]/infer` with a protocol body. */
  infer(name: string, request: InferRequest, version?: string | number): Promise<InferResponse> {
    return this.call('POST', `${modelPath(name, version)}/infer`, request);
  }

  /**
   * Infers float32 tensors: `await client.inferTensors('conv', { input: { shape: [2, 28, 28, 1], data } })`
   * resolves to every output (or those named in `outputs`) as Float32Arrays.
   */
  async inferTensors(
    name: string,
    inputs: Tensors,
    options: { outputs?: readonly string[]; version?: string | number; id?: string; binary?: boolean } = {},
  ): Promise<Tensors> {
    const id = options.id === undefined ? {} : { id: options.id };
    if (options.binary) return this.inferBinary(name, inputs, options);
    const response = await this.infer(
      name,
      {
        ...id,
        inputs: Object.entries(inputs).map(([input, t]) => ({
          name: input,
          shape: [...t.shape],
          datatype: 'FP32',
          data: Array.from(t.data),
        })),
        ...(options.outputs ? { outputs: options.outputs.map((o) => ({ name: o })) } : {}),
      },
      options.version,
    );
    const out: Tensors = {};
    for (const t of response.outputs) out[t.name] = { shape: t.shape, data: Float32Array.from(t.data) };
    return out;
  }

  /**
   * inferTensors with the binary tensor data extension (Triton's, which aekit serve speaks too): raw
   * little-endian float32 bytes after a JSON header, both ways, instead of numbers as JSON text.
   */
  private async inferBinary(
    name: string,
    inputs: Tensors,
    options: { outputs?: readonly string[]; version?: string | number; id?: string },
  ): Promise<Tensors> {
    const entries = Object.entries(inputs);
    const header = new TextEncoder().encode(
      JSON.stringify({
        ...(options.id === undefined ? {} : { id: options.id }),
        inputs: entries.map(([input, t]) => ({
          name: input,
          shape: [...t.shape],
          datatype: 'FP32',
          parameters: { binary_data_size: t.data.length * 4 },
        })),
        ...(options.outputs
          ? { outputs: options.outputs.map((o) => ({ name: o, parameters: { binary_data: true } })) }
          : { parameters: { binary_data_output: true } }),
      }),
    );
    const body = new Uint8Array(header.length + entries.reduce((n, [, t]) => n + t.data.length * 4, 0));
    body.set(header);
    const view = new DataView(body.buffer);
    let offset = header.length;
    for (const [, t] of entries) {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(offset + i * 4, t.data[i]!, true);
      offset += t.data.length * 4;
    }
    const path = `${modelPath(name, options.version)}/infer`;
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.length),
          ...this.options.headers,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw new InferenceServerError(0, `POST ${url}: ${(cause as Error).message ?? String(cause)}`, {
        cause,
      });
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const jsonLength = Number(response.headers.get('inference-header-content-length') ?? bytes.length);
    let json: InferResponse & { error?: string };
    try {
      json = JSON.parse(new TextDecoder().decode(bytes.subarray(0, jsonLength)));
    } catch {
      throw new InferenceServerError(
        response.status || 500,
        `POST ${path}: ${response.status} answer is not JSON`,
      );
    }
    if (!response.ok) {
      throw new InferenceServerError(
        response.status,
        `POST ${path}: ${response.status} ${json.error ?? JSON.stringify(json)}`,
      );
    }
    const out: Tensors = {};
    const tail = new DataView(bytes.buffer, bytes.byteOffset + jsonLength, bytes.length - jsonLength);
    let at = 0;
    for (const t of json.outputs) {
      const size = Number(t.parameters?.binary_data_size ?? -1);
      if (size < 0) {
        out[t.name] = { shape: t.shape, data: Float32Array.from(t.data) };
        continue;
      }
      const data = new Float32Array(size / 4);
      for (let i = 0; i < data.length; i++) data[i] = tail.getFloat32(at + i * 4, true);
      at += size;
      out[t.name] = { shape: t.shape, data };
    }
    return out;
  }
}
