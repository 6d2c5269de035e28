import type { ServerMetadata } from '../protocol.js';
import type { Handler } from './context.js';

/** `GET /v2`: the server's name, version and protocol extensions (none beyond the core protocol). */
export const serverMetadata: Handler = (ctx) => ({
  status: 200,
  body: { name: ctx.serverName, version: ctx.serverVersion, extensions: [] } satisfies ServerMetadata,
});
