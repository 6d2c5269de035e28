import type { Handler } from './context.js';
import { resolveModel } from './resolve-model.js';

/** `GET /v2/models/{name}[/versions/{version}]`: versions, platform, inputs and outputs with datatype and shape. */
export const modelMetadata: Handler = (ctx, { params }) => {
  const { model, version } = resolveModel(ctx, params);
  return { status: 200, body: model.metadata(version), log: { model: model.name, version: version.version } };
};
