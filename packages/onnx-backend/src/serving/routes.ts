// The Open Inference Protocol's HTTP routes and the handler of each (one handler per endpoint).
import type { Handler, RouteParams } from './handlers/context.js';
import { healthLive } from './handlers/health-live.js';
import { healthReady } from './handlers/health-ready.js';
import { metrics } from './handlers/metrics.js';
import { modelInfer } from './handlers/model-infer.js';
import { modelMetadata } from './handlers/model-metadata.js';
import { modelReady } from './handlers/model-ready.js';
import { serverMetadata } from './handlers/server-metadata.js';

export interface Route {
  /** Names the endpoint in logs and metrics. */
  endpoint: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
}

const MODEL = '/v2/models/(?<name>[^/]+)(?:/versions/(?<version>[^/]+))?';

export const ROUTES: readonly Route[] = [
  { endpoint: 'health_live', method: 'GET', pattern: /^\/v2\/health\/live$/, handler: healthLive },
  { endpoint: 'health_ready', method: 'GET', pattern: /^\/v2\/health\/ready$/, handler: healthReady },
  { endpoint: 'server_metadata', method: 'GET', pattern: /^\/v2\/?$/, handler: serverMetadata },
  { endpoint: 'model_ready', method: 'GET', pattern: new RegExp(`^${MODEL}/ready$`), handler: modelReady },
  { endpoint: 'model_infer', method: 'POST', pattern: new RegExp(`^${MODEL}/infer$`), handler: modelInfer },
  { endpoint: 'model_metadata', method: 'GET', pattern: new RegExp(`^${MODEL}$`), handler: modelMetadata },
  { endpoint: 'metrics', method: 'GET', pattern: /^\/metrics$/, handler: metrics },
];

/** The route of a path, with its parameters; `methodAllowed` false when the path exists for another method. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: RouteParams } | { route: undefined; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
      allowed.push(route.method);
      continue;
    }
    const groups = m.groups ?? {};
    const decode = (s: string | undefined) => (s === undefined ? undefined : safeDecode(s));
    return { route, params: { name: decode(groups.name), version: decode(groups.version) } };
  }
  return { route: undefined, allowed };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
