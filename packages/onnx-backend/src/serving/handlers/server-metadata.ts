import type { ServerMetadata } from '../protocol.js';
import type { Handler } from './context.js';

/** `GET /v2`: the server's name, version and protocol extensions (binary tensor data). */
export const serverMetadata: Handler = (ctx) => ({
  status: 200,
  body: {
    name: ctx.serverName,
    version: ctx.serverVersion,
    extensions: ['binary_tensor_data'],
  } satisfies ServerMetadata,
});
