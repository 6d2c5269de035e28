// An Open Inference Protocol (v2) HTTP/JSON server over node:http for every model of a Triton repository.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AekitError, type Device } from '@aekit/core';
import { AEKIT_VERSION } from '../onnx-version.js';
import type { HandlerReply, ServingContext } from './handlers/context.js';
import { ServerMetrics } from './metrics.js';
import { loadModelRepository, type RepositoryModel } from './model-repository.js';
import { matchRoute } from './routes.js';
import { ServedModel } from './served-model.js';
import { InferenceServerError } from './serving-error.js';

export interface InferenceServerOptions {
  /** A Triton model repository directory (or its models, already read with loadModelRepository). */
  repository: string | readonly RepositoryModel[];
  /** ONNX Runtime device for every model (core's device words). Default 'cpu'. */
  device?: Device;
  /** Dynamic batching as each config.pbtxt says (default), or off for every model. */
  dynamicBatching?: boolean;
  /** Largest request body; larger ones get 413. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Longest a request may take, body included; slower inference gets 504. Default 30 s. */
  requestTimeoutMs?: number;
  /** Where the one JSON line per request (and the lifecycle lines) go. Default: stdout. */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long shutdown waits for the first request of a connection accepted just before it. */
const FIRST_REQUEST_GRACE_MS = 1000;

function errorReply(error: unknown): HandlerReply {
  if (error instanceof InferenceServerError) return { status: error.status, body: { error: error.message } };
  if (AekitError.isInstance(error)) {
    const status = error.code === 'SHAPE_MISMATCH' || error.code === 'DATA_INVALID' ? 400 : 500;
    return { status, body: { error: error.message.split('\n')[0] } };
  }
  return { status: 500, body: { error: `internal error: ${(error as Error)?.message ?? String(error)}` } };
}

/** Reads the body up to `limit` bytes; past it, discards the rest and throws 413 once the request ends. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) {
        reject(
          new InferenceServerError(
            413,
            `request body of ${Number.isFinite(declared) ? declared : size} bytes is larger than the limit of ${limit} bytes; send fewer samples per request`,
          ),
        );
      } else resolve(Buffer.concat(chunks));
    });
    req.on('error', (cause) =>
      reject(
        new InferenceServerError(400, `the request body could not be read: ${cause.message}`, { cause }),
      ),
    );
  });
}

/** A running server: its URL and a graceful `close`. Create one with `startInferenceServer`. */
export class InferenceServer {
  private accepting = true;
  /** Open connections: the requests each is handling, and whether it has sent one yet. */
  private readonly connections = new Map<Socket, { active: number; used: boolean }>();
  private readonly inFlight = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;
  readonly metrics = new ServerMetrics();
  private readonly context: ServingContext;

  constructor(
    private readonly server: Server,
    readonly models: ReadonlyMap<string, ServedModel>,
    private readonly options: Required<
      Pick<InferenceServerOptions, 'maxBodyBytes' | 'requestTimeoutMs' | 'log'>
    >,
  ) {
    this.context = {
      models,
      accepting: () => this.accepting,
      metrics: this.metrics,
      serverName: 'aekit',
      serverVersion: AEKIT_VERSION,
    };
    for (const model of models.values()) {
      for (const v of model.versions.values()) {
        const labels = { model: model.name, version: String(v.version) };
        v.onBatch = (rows) => {
          this.metrics.batches.inc(labels);
          this.metrics.batchSize.observe(labels, rows);
        };
      }
    }
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, used: false });
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = this.connections.get(req.socket);
      // The first request of a connection accepted before shutdown began is served: it was on its way.
      const admitted = this.accepting || connection?.used === false;
      if (connection) {
        connection.used = true;
        connection.active += 1;
      }
      const done = this.handle(req, res, admitted);
      this.inFlight.add(done);
      void done.finally(() => {
        this.inFlight.delete(done);
        if (connection) connection.active -= 1;
      });
    });
  }

  /** `http://host:port` the server listens on. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Writes one JSON log line (time first) where the server logs. */
  log(fields: Record<string, unknown>): void {
    this.options.log(JSON.stringify({ time: new Date().toISOString(), ...fields }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, admitted: boolean): Promise<void> {
    const started = performance.now();
    this.metrics.inFlight += 1;
    const path = (req.url ?? '/').split('?')[0]!;
    let endpoint = 'unknown';
    let model: string | undefined;
    let reply: HandlerReply;
    try {
      if (!admitted)
        throw new InferenceServerError(503, 'the server is shutting down; retry on another instance');
      const match = matchRoute(req.method ?? 'GET', path);
      if (!match.route) {
        if (match.allowed.length) {
          throw new InferenceServerError(
            405,
            `${req.method} ${path} is not allowed; use ${match.allowed.join(' or ')}`,
          );
        }
        throw new InferenceServerError(
          404,
          `no endpoint ${req.method} ${path} (Open Inference Protocol v2: /v2, /v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{v}][/ready|/infer], /metrics)`,
        );
      }
      endpoint = match.route.endpoint;
      model = match.params.name;
      let body: unknown;
      let binary: Uint8Array | undefined;
      if (match.route.method === 'POST') {
        const raw = await readBody(req, this.options.maxBodyBytes);
        const header = req.headers['inference-header-content-length'];
        let jsonLength = raw.length;
        if (header !== undefined) {
          jsonLength = Number(header);
          if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > raw.length) {
            throw new InferenceServerError(
              400,
              `Inference-Header-Content-Length ${JSON.stringify(header)} must be an integer in [0, ${raw.length}] (the body's length)`,
            );
          }
          binary = raw.subarray(jsonLength);
        }
        try {
          body = JSON.parse(raw.subarray(0, jsonLength).toString('utf8'));
        } catch (cause) {
          throw new InferenceServerError(400, `the request body is not JSON: ${(cause as Error).message}`);
        }
      }
      reply = await this.withTimeout(
        match.route.handler(this.context, { params: match.params, body, binary }),
        started,
      );
    } catch (error) {
      reply = errorReply(error);
      if (reply.status >= 500 && !(error instanceof InferenceServerError)) {
        this.log({ level: 'error', event: 'error', path, error: (error as Error)?.stack ?? String(error) });
      }
      if (endpoint === 'model_infer') {
        this.metrics.inferFailure.inc({ model: model ?? '', status: String(reply.status) });
      }
      if (model !== undefined) reply.log = { model };
    }
    this.send(res, reply);
    this.metrics.httpRequests.inc({ endpoint, status: String(reply.status) });
    this.metrics.inFlight -= 1;
    this.log({
      level: reply.status >= 500 ? 'error' : reply.status >= 400 ? 'warn' : 'info',
      event: 'request',
      method: req.method,
      path,
      endpoint,
      status: reply.status,
      ...reply.log,
      latency_ms: Number((performance.now() - started).toFixed(3)),
      ...(reply.status >= 400 ? { error: (reply.body as { error?: string }).error } : {}),
    });
  }

  private withTimeout(reply: HandlerReply | Promise<HandlerReply>, started: number): Promise<HandlerReply> {
    const left = this.options.requestTimeoutMs - (performance.now() - started);
    return new Promise<HandlerReply>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new InferenceServerError(
              504,
              `the request took longer than ${this.options.requestTimeoutMs} ms; send fewer samples or retry`,
            ),
          ),
        Math.max(0, left),
      );
      Promise.resolve(reply).then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private send(res: ServerResponse, reply: HandlerReply): void {
    const text =
      typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
    res.statusCode = reply.status;
    res.setHeader('content-type', reply.contentType ?? 'application/json');
    res.setHeader('content-length', Buffer.byteLength(text));
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (!this.accepting || reply.status === 413) res.setHeader('connection', 'close');
    res.end(text);
  }

  /**
   * Graceful shutdown: stops listening, closes idle keep-alive connections, gives connections accepted just
   * before (whose request may still be on its way) up to a second to send it, serves every request in flight
   * or admitted that way (at most `requestTimeoutMs`), answers later requests on open connections with 503,
   * then closes every connection and releases the sessions.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.accepting = false;
      // Node's server.close() also drops every connection without a request at once, including one that was
      // accepted a moment ago and whose request has not been read yet (Go's Shutdown waits for those too).
      const closeIdle = this.server.closeIdleConnections;
      this.server.closeIdleConnections = () => {};
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections = closeIdle;
      for (const [socket, c] of this.connections) if (c.used && c.active === 0) socket.destroy();
      const deadline = setTimeout(() => this.server.closeAllConnections(), this.options.requestTimeoutMs);
      const graceEnd = performance.now() + FIRST_REQUEST_GRACE_MS;
      while (performance.now() < graceEnd && [...this.connections.values()].some((c) => !c.used)) {
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const [socket, c] of this.connections) if (!c.used) socket.destroy();
      while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
      this.server.closeAllConnections();
      await closed;
      clearTimeout(deadline);
      await Promise.all([...this.models.values()].map((m) => m.dispose()));
      this.log({ level: 'info', event: 'stopped' });
    })();
    return this.closing;
  }
}

/**
 * Loads every model of a Triton repository into ONNX Runtime and serves the Open Inference Protocol on
 * `host:port` (port 0 picks a free one). Resolves once it listens.
 */
export async function startInferenceServer(
  options: InferenceServerOptions & { host?: string; port?: number },
): Promise<InferenceServer> {
  const repository =
    typeof options.repository === 'string'
      ? await loadModelRepository(options.repository)
      : options.repository;
  const models = new Map<string, ServedModel>();
  try {
    for (const m of repository) {
      models.set(
        m.name,
        await ServedModel.load(m, {
          device: options.device ?? 'cpu',
          dynamicBatching: options.dynamicBatching,
        }),
      );
    }
  } catch (error) {
    await Promise.all([...models.values()].map((m) => m.dispose()));
    throw error;
  }
  const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = createServer({
    requestTimeout: timeout,
    headersTimeout: Math.min(timeout, 60_000),
    keepAliveTimeout: 5000,
  });
  const instance = new InferenceServer(server, models, {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requestTimeoutMs: timeout,
    log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      void Promise.all([...models.values()].map((m) => m.dispose())).finally(() =>
        reject(
          new InferenceServerError(
            500,
            `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 8000}: ${error.code ?? error.message}${error.code === 'EADDRINUSE' ? ' (the port is taken; pass another --port, or 0 for any free one)' : ''}`,
            { cause: error },
          ),
        ),
      );
    });
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => resolve());
  });
  instance.log({
    level: 'info',
    event: 'listening',
    url: instance.url,
    models: [...models.values()].map((m) => ({
      name: m.name,
      versions: [...m.versions.keys()],
      batching: m.latest.batching
        ? `dynamic, max ${m.latest.signature.maxBatchSize}, delay ${m.latest.batchDelayMs} ms`
        : 'off',
    })),
  });
  return instance;
}
