import type { Handler } from './context.js';

/** `GET /v2/health/ready`: every model is loaded and the server is not shutting down (503 otherwise). */
export const healthReady: Handler = (ctx) =>
  ctx.accepting()
    ? { status: 200, body: { ready: true } }
    : { status: 503, body: { ready: false, error: 'the server is shutting down' } };
