import type { Handler } from './context.js';

/** `GET /v2/health/live`: the process answers. */
export const healthLive: Handler = () => ({ status: 200, body: { live: true } });
