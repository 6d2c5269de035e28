import type { Handler } from './context.js';
import { resolveModel } from './resolve-model.js';

/** `GET /v2/models/{name}[/versions/{version}]/ready`: 200 when the model version can infer. */
export const modelReady: Handler = (ctx, { params }) => {
  const { model, version } = resolveModel(ctx, params);
  const ready = ctx.accepting();
  return {
    status: ready ? 200 : 503,
    body: { name: model.name, ready },
    log: { model: model.name, version: version.version },
  };
};
