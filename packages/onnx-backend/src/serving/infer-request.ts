// Checks an Open Inference Protocol infer body against a model's inputs and outputs: one clear 400 per problem.
import { formatShape, shapeSize } from '@aekit/core';
import { InferenceServerError } from './serving-error.js';

/** What a model version takes and returns: per-sample dims when `maxBatchSize` > 0, whole shapes otherwise. */
export interface ModelSignature {
  inputs: readonly { name: string; dims: readonly number[] }[];
  outputs: readonly { name: string; dims: readonly number[] }[];
  /** 0: no batch axis in `dims` (the request shape must equal them); > 0: the first axis is the batch. */
  maxBatchSize: number;
}

/** A checked request: float32 feeds with their full shapes, the batch (rows) and the outputs asked for. */
export interface CheckedInferRequest {
  id?: string;
  batch: number;
  feeds: Record<string, { shape: number[]; data: Float32Array }>;
  outputs: string[];
}

const FLOAT32_MAX = 3.4028234663852886e38;

function bad(message: string): InferenceServerError {
  return new InferenceServerError(400, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function names(list: readonly { name: string }[]): string {
  return list.map((t) => `"${t.name}"`).join(', ');
}

function fullShape(dims: readonly number[], maxBatchSize: number): (number | string)[] {
  const shape = dims.map((d) => (d < 0 ? '?' : d));
  return maxBatchSize > 0 ? ['batch', ...shape] : shape;
}

/** Row-major values of `data` (flat or nested) as float32, each a finite number within float32's range. */
function floatData(data: unknown, count: number, what: string): Float32Array {
  if (!Array.isArray(data)) throw bad(`${what}: "data" must be an array of numbers, got ${typeof data}`);
  const flat = data.some(Array.isArray) ? (data.flat(Number.POSITIVE_INFINITY) as unknown[]) : data;
  if (flat.length !== count) {
    throw bad(`${what}: "data" holds ${flat.length} values, its shape needs ${count}`);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = flat[i];
    if (typeof v !== 'number') {
      throw bad(
        `${what}: data[${i}] is ${JSON.stringify(v) ?? typeof v}, not a number (FP32 takes finite numbers)`,
      );
    }
    if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
      throw bad(`${what}: data[${i}] is ${v}, not a finite float32 value`);
    }
    out[i] = v;
  }
  return out;
}

/** Checks `body` (parsed JSON) against `model`; throws InferenceServerError 400 naming the first problem. */
export function checkInferRequest(body: unknown, model: ModelSignature): CheckedInferRequest {
  if (!isObject(body)) throw bad('the request body must be a JSON object with "inputs"');
  if (body.id !== undefined && typeof body.id !== 'string') throw bad('"id" must be a string');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) {
    throw bad(`"inputs" must be a non-empty array; the model takes ${names(model.inputs)}`);
  }
  const feeds: CheckedInferRequest['feeds'] = {};
  let batch: number | undefined;
  for (const [i, raw] of (body.inputs as unknown[]).entries()) {
    if (!isObject(raw)) throw bad(`inputs[${i}] must be an object with name, shape, datatype and data`);
    const name = raw.name;
    if (typeof name !== 'string') throw bad(`inputs[${i}]: "name" must be a string`);
    const spec = model.inputs.find((t) => t.name === name);
    if (!spec) throw bad(`unknown input "${name}"; the model takes ${names(model.inputs)}`);
    if (feeds[name]) throw bad(`input "${name}" is given twice`);
    const what = `input "${name}"`;
    if (raw.datatype !== 'FP32') {
      throw bad(`${what}: datatype ${JSON.stringify(raw.datatype)} is not supported; the model takes FP32`);
    }
    if (isObject(raw.parameters) && raw.parameters.binary_data_size !== undefined) {
      throw bad(
        `${what}: the binary tensor data extension is not supported here; send "data" as JSON numbers`,
      );
    }
    const shape = raw.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      throw bad(`${what}: "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const dims = shape as number[];
    const expected = fullShape(spec.dims, model.maxBatchSize);
    const sample = model.maxBatchSize > 0 ? dims.slice(1) : dims;
    const fits =
      dims.length === expected.length && sample.every((d, k) => spec.dims[k]! < 0 || d === spec.dims[k]);
    if (!fits)
      throw bad(`${what}: shape ${formatShape(dims)} does not match the model's ${formatShape(expected)}`);
    if (model.maxBatchSize > 0) {
      const rows = dims[0]!;
      if (rows < 1) throw bad(`${what}: the batch axis is 0; send at least one sample`);
      if (rows > model.maxBatchSize) {
        throw bad(
          `${what}: batch ${rows} is larger than the model's max_batch_size ${model.maxBatchSize}; split the request`,
        );
      }
      if (batch !== undefined && rows !== batch) {
        throw bad(
          `${what}: batch ${rows} differs from the other inputs' ${batch}; every input needs the same first axis`,
        );
      }
      batch = rows;
    }
    feeds[name] = { shape: dims, data: floatData(raw.data, shapeSize(dims), what) };
  }
  const missing = model.inputs.filter((t) => !feeds[t.name]);
  if (missing.length) throw bad(`missing input ${names(missing)}; the model takes ${names(model.inputs)}`);
  let outputs = model.outputs.map((t) => t.name);
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw bad('"outputs" must be an array of { "name": ... }');
    outputs = (body.outputs as unknown[]).map((o, i) => {
      const name = isObject(o) ? o.name : undefined;
      if (typeof name !== 'string') throw bad(`outputs[${i}]: "name" must be a string`);
      if (!model.outputs.some((t) => t.name === name)) {
        throw bad(`unknown output "${name}"; the model returns ${names(model.outputs)}`);
      }
      return name;
    });
  }
  return {
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    batch: batch ?? 1,
    feeds,
    outputs,
  };
}
