import { checkInferRequest } from '../infer-request.js';
import type { InferResponse } from '../protocol.js';
import type { Handler } from './context.js';
import { resolveModel } from './resolve-model.js';

/**
 * `POST /v2/models/{name}[/versions/{version}]/infer`: checks the body against the model (400 naming the
 * problem), runs it (in a dynamic batch when the config enables it) and answers the requested outputs.
 */
export const modelInfer: Handler = async (ctx, { params, body }) => {
  const { model, version } = resolveModel(ctx, params);
  const labels = { model: model.name, version: String(version.version) };
  const request = checkInferRequest(body, version.signature);
  const started = performance.now();
  const out = await version.infer(request);
  ctx.metrics.inferSuccess.inc(labels);
  ctx.metrics.inferSamples.inc(labels, request.batch);
  ctx.metrics.latency.observe(labels, (performance.now() - started) / 1000);
  const response: InferResponse = {
    model_name: model.name,
    model_version: String(version.version),
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: request.outputs.map((name) => {
      const t = out[name]!;
      return { name, datatype: 'FP32', shape: [...t.shape], data: Array.from(t.data) };
    }),
  };
  return {
    status: 200,
    body: response,
    log: {
      model: model.name,
      version: version.version,
      batch: request.batch,
      ...(request.id ? { id: request.id } : {}),
    },
  };
};
