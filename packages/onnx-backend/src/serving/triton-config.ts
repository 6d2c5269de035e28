import { formatShape, OptionError } from '@aekit/core';
import { OnnxModelError } from '../errors.js';
import { METADATA_KEYS, type OnnxModelInfo } from '../metadata.js';
import { type GraphSignature, ONNX_FLOAT, type TensorSignature } from './graph-signature.js';
import type { TritonModelConfig, TritonTensorConfig } from './model-config.js';

/** A Triton model name: a folder name and a URL path segment. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface TritonConfigOptions {
  /** The model's name (= its folder in the repository). */
  name: string;
  /** Largest batch Triton (and `aekit serve`) forms; the first axis of every input and output. Default 64. */
  maxBatchSize?: number;
  /** How long a request may wait for others to join its batch. Default 2000 µs. */
  maxQueueDelayMicroseconds?: number;
  /** Where Triton runs the instances. Default KIND_CPU (KIND_GPU on a GPU node). */
  instanceKind?: 'KIND_CPU' | 'KIND_GPU';
  /** Instances of the model. Default 1. */
  instanceCount?: number;
  /** Serve every version folder (`version_policy { all {} }`) instead of Triton's default, the latest one. */
  allVersions?: boolean;
}

/** Fails with OptionError unless `name` is a usable model name (a folder and a URL path segment). */
export function checkModelName(name: string, flag = 'name'): void {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new OptionError(
      `${flag} "${name}" is not a usable model name: use letters, digits, ".", "_" or "-" (at most 128, not starting with "." or "-")`,
    );
  }
}

/** Powers of two up to the largest batch, and the largest batch itself: the batch sizes Triton should aim for. */
function preferredBatchSizes(maxBatchSize: number): number[] {
  const sizes: number[] = [];
  for (let s = 4; s < maxBatchSize; s *= 4) sizes.push(s);
  return [...sizes, maxBatchSize];
}

function tensorConfig(t: TensorSignature, batched: boolean, what: string): TritonTensorConfig {
  if (t.elemType !== ONNX_FLOAT) {
    throw new OnnxModelError(
      `${what}: "${t.name}" has ONNX element type ${t.elemType}; aekit serves FLOAT (1) only`,
    );
  }
  if (batched && t.dims[0] !== -1) {
    throw new OnnxModelError(
      `${what}: "${t.name}" has a fixed first axis ${formatShape(t.dims)}; a batched Triton model needs a symbolic batch axis (re-export with aekit)`,
    );
  }
  return { name: t.name, data_type: 'TYPE_FP32', dims: batched ? t.dims.slice(1) : [...t.dims] };
}

/**
 * The `config.pbtxt` of an aekit export for Triton's ONNX Runtime backend: the graph's own input/output names
 * and per-sample dims (the batch axis is `max_batch_size`), dynamic batching on, one instance group, and the
 * export's metadata (part, layout, preprocessing...) as `parameters`.
 */
export function tritonModelConfig(
  signature: GraphSignature,
  info: OnnxModelInfo | null,
  options: TritonConfigOptions,
): TritonModelConfig {
  checkModelName(options.name);
  const maxBatchSize = options.maxBatchSize ?? 64;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > 65536) {
    throw new OptionError(`maxBatchSize must be an integer in [1, 65536], got ${maxBatchSize}`);
  }
  const delay = options.maxQueueDelayMicroseconds ?? 2000;
  if (!Number.isInteger(delay) || delay < 0) {
    throw new OptionError(`maxQueueDelayMicroseconds must be an integer >= 0, got ${delay}`);
  }
  const what = `model "${options.name}"`;
  if (info) {
    // The graph and its aekit metadata name the same tensors (IO_NAMES), in the same order.
    const names = (list: readonly { name: string }[]) => list.map((t) => t.name).join(', ');
    if (
      names(signature.inputs) !== info.inputs.join(', ') ||
      names(signature.outputs) !== info.outputs.join(', ')
    ) {
      throw new OnnxModelError(
        `${what}: the graph's inputs (${names(signature.inputs)}) / outputs (${names(signature.outputs)}) differ from its metadata's (${info.inputs.join(', ')}) / (${info.outputs.join(', ')}); re-export it with aekit`,
      );
    }
  }
  const parameters: Record<string, { string_value: string }> = {};
  if (info) {
    const keep = [
      'aekitVersion',
      'name',
      'kind',
      'part',
      'layout',
      'inputShape',
      'latentShape',
      'outputShape',
      'preprocessing',
    ] as const;
    for (const key of keep) {
      const value = info[key];
      parameters[METADATA_KEYS[key]] = {
        string_value: typeof value === 'string' ? value : JSON.stringify(value),
      };
    }
  }
  return {
    name: options.name,
    platform: 'onnxruntime_onnx',
    max_batch_size: maxBatchSize,
    input: signature.inputs.map((t) => tensorConfig(t, true, what)),
    output: signature.outputs.map((t) => tensorConfig(t, true, what)),
    dynamic_batching: {
      preferred_batch_size: preferredBatchSizes(maxBatchSize),
      max_queue_delay_microseconds: delay,
    },
    instance_group: [{ count: options.instanceCount ?? 1, kind: options.instanceKind ?? 'KIND_CPU' }],
    default_model_filename: 'model.onnx',
    ...(options.allVersions ? { version_policy: { all: {} } } : {}),
    parameters,
  };
}
