import type { TensorData } from '@aekit/core';
import { checkInferRequest } from '../infer-request.js';
import type { InferResponse } from '../protocol.js';
import type { Handler } from './context.js';
import { resolveModel } from './resolve-model.js';

/**
 * The answer as JSON text. Float32 values are printed with `join` (the same digits as JSON.stringify, a third
 * faster than building a number array first); a non-finite output, which JSON cannot hold, takes
 * JSON.stringify's path (null).
 */
function responseJson(head: Omit<InferResponse, 'outputs'>, outputs: [string, TensorData][]): string {
  const finite = outputs.every(([, t]) => t.data.every(Number.isFinite));
  if (!finite) {
    const response: InferResponse = {
      ...head,
      outputs: outputs.map(([name, t]) => ({
        name,
        datatype: 'FP32',
        shape: [...t.shape],
        data: Array.from(t.data),
      })),
    };
    return JSON.stringify(response);
  }
  const tensors = outputs.map(
    ([name, t]) =>
      `{"name":${JSON.stringify(name)},"datatype":"FP32","shape":${JSON.stringify(t.shape)},"data":[${Array.prototype.join.call(t.data, ',')}]}`,
  );
  return `${JSON.stringify(head).slice(0, -1)},"outputs":[${tensors.join(',')}]}`;
}

/**
 * `POST /v2/models/{name}[/versions/{version}]/infer`: checks the body against the model (400 naming the
 * problem), runs it (in a dynamic batch when the config enables it) and answers the requested outputs.
 */
/**
 * The binary tensor data extension: the JSON header (binary outputs carry `binary_data_size` instead of `data`),
 * then each binary output's little-endian float32 bytes in order; `Inference-Header-Content-Length` says where
 * the JSON ends.
 */
function binaryReply(
  head: Omit<InferResponse, 'outputs'>,
  request: { outputs: string[]; binaryOutputs: Set<string> },
  out: Record<string, TensorData>,
): { body: Buffer; contentType: string; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const outputs = request.outputs.map((name) => {
    const t = out[name]!;
    if (!request.binaryOutputs.has(name)) {
      return { name, datatype: 'FP32' as const, shape: [...t.shape], data: Array.from(t.data) };
    }
    const bytes = Buffer.alloc(t.data.length * 4);
    for (let i = 0; i < t.data.length; i++) bytes.writeFloatLE(t.data[i]!, i * 4);
    chunks.push(bytes);
    return {
      name,
      datatype: 'FP32' as const,
      shape: [...t.shape],
      parameters: { binary_data_size: bytes.length },
    };
  });
  const json = Buffer.from(JSON.stringify({ ...head, outputs }));
  return {
    body: Buffer.concat([json, ...chunks]),
    contentType: 'application/octet-stream',
    headers: { 'inference-header-content-length': String(json.length) },
  };
}

export const modelInfer: Handler = async (ctx, { params, body, binary }) => {
  const { model, version } = resolveModel(ctx, params);
  const labels = { model: model.name, version: String(version.version) };
  const request = checkInferRequest(body, version.signature, binary);
  const started = performance.now();
  const out = await version.infer(request);
  ctx.metrics.inferSuccess.inc(labels);
  ctx.metrics.inferSamples.inc(labels, request.batch);
  ctx.metrics.latency.observe(labels, (performance.now() - started) / 1000);
  const head = {
    model_name: model.name,
    model_version: String(version.version),
    ...(request.id !== undefined ? { id: request.id } : {}),
  };
  const log = {
    model: model.name,
    version: version.version,
    batch: request.batch,
    ...(request.id ? { id: request.id } : {}),
  };
  if (request.binaryOutputs.size) return { status: 200, ...binaryReply(head, request, out), log };
  return {
    status: 200,
    body: responseJson(
      head,
      request.outputs.map((name) => [name, out[name]!]),
    ),
    contentType: 'application/json',
    log: {
      model: model.name,
      version: version.version,
      batch: request.batch,
      ...(request.id ? { id: request.id } : {}),
    },
  };
};
