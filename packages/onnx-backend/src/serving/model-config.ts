// Triton's model configuration (config.pbtxt): the vendored model_config.proto read with protobufjs, and its
// text format parsed and printed with protobufjs' spec-compliant text format extension (unknown fields, wrong
// enum names and repeated singular fields are errors, as in Triton's own parser).
import { readFileSync } from 'node:fs';
import { DataError } from '@aekit/core';
import protobuf from 'protobufjs';
import textformat from 'protobufjs/ext/textformat.js';

/** The vendored `model_config.proto` (triton-inference-server/common, BSD-3-Clause). */
export const MODEL_CONFIG_PROTO = new URL('../../proto/model_config.proto', import.meta.url);

/** The fields of `inference.ModelConfig` aekit writes and reads (snake_case, as in the .proto). */
export interface TritonTensorConfig {
  name: string;
  data_type: 'TYPE_FP32';
  /** Per-sample dims (no batch axis when max_batch_size > 0); -1 for a variable size. */
  dims: number[];
}

export interface TritonModelConfig {
  name: string;
  platform?: string;
  backend?: string;
  max_batch_size?: number;
  input?: TritonTensorConfig[];
  output?: TritonTensorConfig[];
  dynamic_batching?: { preferred_batch_size?: number[]; max_queue_delay_microseconds?: number };
  instance_group?: { count?: number; kind?: 'KIND_AUTO' | 'KIND_GPU' | 'KIND_CPU' | 'KIND_MODEL' }[];
  default_model_filename?: string;
  /** Which versions to serve; Triton's default is the latest one. */
  version_policy?: { all?: object; latest?: { num_versions?: number }; specific?: { versions?: number[] } };
  parameters?: Record<string, { string_value: string }>;
}

let root: protobuf.Root | undefined;

/** The protobufjs root of model_config.proto (field names kept as written: snake_case). */
export function modelConfigRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.parse(readFileSync(MODEL_CONFIG_PROTO, 'utf8'), { keepCase: true }).root;
    root.resolveAll();
  }
  return root;
}

function modelConfigType(): protobuf.Type {
  return modelConfigRoot().lookupType('inference.ModelConfig');
}

/** A config as Triton's text format (`config.pbtxt`); fails on a field or value the .proto does not allow. */
export function formatModelConfig(config: TritonModelConfig): string {
  const type = modelConfigType();
  const message = type.fromObject(config);
  const problem = type.verify(message);
  if (problem) throw new DataError('DATA_INVALID', `Triton model config "${config.name}": ${problem}`);
  return textformat.toText(type, message);
}

/** Parses `config.pbtxt` text strictly against model_config.proto; `what` names the file in errors. */
export function parseModelConfig(text: string, what = 'config.pbtxt'): TritonModelConfig {
  const type = modelConfigType();
  let message: protobuf.Message;
  try {
    message = textformat.fromText(type, text);
  } catch (cause) {
    throw new DataError(
      'DATA_INVALID',
      `${what} is not a valid Triton model configuration: ${(cause as Error).message.replace(/^\.inference\./, '')}`,
      { cause },
    );
  }
  return type.toObject(message, { enums: String, longs: Number, defaults: false }) as TritonModelConfig;
}
