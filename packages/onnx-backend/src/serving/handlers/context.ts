import type { ServerMetrics } from '../metrics.js';
import type { ServedModel } from '../served-model.js';

/** What every endpoint handler sees: the loaded models, whether the server takes work, its metrics. */
export interface ServingContext {
  readonly models: ReadonlyMap<string, ServedModel>;
  /** False once shutdown has begun. */
  readonly accepting: () => boolean;
  readonly metrics: ServerMetrics;
  readonly serverName: string;
  readonly serverVersion: string;
}

/** The path parameters of a route (`name`, `version`). */
export type RouteParams = { name?: string; version?: string };

/** A request as the handlers get it: path parameters and, for POST, the parsed JSON body. */
export interface HandlerRequest {
  params: RouteParams;
  body?: unknown;
  /** Bytes after the JSON header (binary tensor data extension), when `Inference-Header-Content-Length` is set. */
  binary?: Uint8Array;
}

/** What a handler answers: a status and a JSON body (or text, for /metrics), plus what to log. */
export interface HandlerReply {
  status: number;
  /** JSON-able data, or the exact text or bytes to send. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Fields of the request's log line (model, version, batch...). */
  log?: Record<string, unknown>;
}

export type Handler = (ctx: ServingContext, request: HandlerRequest) => HandlerReply | Promise<HandlerReply>;
