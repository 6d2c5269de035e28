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
  /** Outputs to answer as raw bytes after the JSON (the binary tensor data extension). */
  binaryOutputs: Set<string>;
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

/** `size` bytes of little-endian float32 values from `binary` at `offset`, each finite. */
function binaryData(
  binary: Uint8Array | undefined,
  offset: number,
  size: unknown,
  count: number,
  what: string,
): Float32Array {
  if (!Number.isInteger(size) || (size as number) !== count * 4) {
    throw bad(
      `${what}: binary_data_size ${JSON.stringify(size)} does not match its shape: FP32 needs ${count * 4} bytes`,
    );
  }
  const available = (binary?.length ?? 0) - offset;
  if (available < count * 4) {
    throw bad(
      `${what}: binary_data_size ${count * 4} but only ${Math.max(0, available)} bytes of binary data follow the JSON header`,
    );
  }
  const view = new DataView(binary!.buffer, binary!.byteOffset + offset, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) throw bad(`${what}: binary value ${i} is ${v}, not a finite float32 value`);
    out[i] = v;
  }
  return out;
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

/**
 * Checks `body` (parsed JSON) against `model`; throws InferenceServerError 400 naming the first problem.
 * `binary` is what followed the JSON header (binary tensor data extension): inputs with a `binary_data_size`
 * parameter take their bytes from it, in order.
 */
export function checkInferRequest(
  body: unknown,
  model: ModelSignature,
  binary?: Uint8Array,
): CheckedInferRequest {
  if (!isObject(body)) throw bad('the request body must be a JSON object with "inputs"');
  if (body.id !== undefined && typeof body.id !== 'string') throw bad('"id" must be a string');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) {
    throw bad(`"inputs" must be a non-empty array; the model takes ${names(model.inputs)}`);
  }
  const feeds: CheckedInferRequest['feeds'] = {};
  let batch: number | undefined;
  let offset = 0;
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
    const binarySize = isObject(raw.parameters) ? raw.parameters.binary_data_size : undefined;
    if (binarySize !== undefined) {
      feeds[name] = { shape: dims, data: binaryData(binary, offset, binarySize, shapeSize(dims), what) };
      offset += shapeSize(dims) * 4;
    } else {
      feeds[name] = { shape: dims, data: floatData(raw.data, shapeSize(dims), what) };
    }
  }
  const missing = model.inputs.filter((t) => !feeds[t.name]);
  if (missing.length) throw bad(`missing input ${names(missing)}; the model takes ${names(model.inputs)}`);
  if (binary && offset !== binary.length) {
    throw bad(
      `${binary.length - offset} bytes of binary data follow the JSON header beyond the inputs' binary_data_size`,
    );
  }
  const allBinary = isObject(body.parameters) && body.parameters.binary_data_output === true;
  let outputs = model.outputs.map((t) => t.name);
  const binaryOutputs = new Set(allBinary ? outputs : []);
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw bad('"outputs" must be an array of { "name": ... }');
    binaryOutputs.clear();
    outputs = (body.outputs as unknown[]).map((o, i) => {
      const name = isObject(o) ? o.name : undefined;
      if (typeof name !== 'string') throw bad(`outputs[${i}]: "name" must be a string`);
      if (!model.outputs.some((t) => t.name === name)) {
        throw bad(`unknown output "${name}"; the model returns ${names(model.outputs)}`);
      }
      const flag = isObject((o as Record<string, unknown>).parameters)
        ? ((o as { parameters: Record<string, unknown> }).parameters.binary_data as unknown)
        : undefined;
      if (flag === true || (flag === undefined && allBinary)) binaryOutputs.add(name);
      return name;
    });
  }
  return {
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    batch: batch ?? 1,
    feeds,
    outputs,
    binaryOutputs,
  };
}
