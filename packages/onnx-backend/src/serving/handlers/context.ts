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
}

/** What a handler answers: a status and a JSON body (or text, for /metrics), plus what to log. */
export interface HandlerReply {
  status: number;
  body: unknown;
  contentType?: string;
  /** Fields of the request's log line (model, version, batch...). */
  log?: Record<string, unknown>;
}

export type Handler = (ctx: ServingContext, request: HandlerRequest) => HandlerReply | Promise<HandlerReply>;
