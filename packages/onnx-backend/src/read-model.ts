import { formatShape, type ModelSpec } from '@aekit/core';
import { OnnxModelError } from './errors.js';
import { EXPORT_PARTS, type ExportPart, METADATA_KEYS, type OnnxModelInfo } from './metadata.js';
import { onnx } from './proto.js';

/** Where a model comes from: the result of `exportOnnx`, the bytes of a `.onnx` file, or (Node) a path / (browser) a URL. */
export type ModelSource = string | Uint8Array | ArrayBuffer | { bytes: Uint8Array };

function parseJson<T>(value: string | undefined, key: string, what: string): T {
  try {
    return JSON.parse(value ?? '') as T;
  } catch (cause) {
    throw new OnnxModelError(
      `${what}: metadata "${key}" is not valid JSON (${JSON.stringify(value)}); re-export the model with aekit`,
      {
        cause,
      },
    );
  }
}

/**
 * Decodes an ONNX file and returns its aekit metadata (null when the model was not exported by aekit).
 * A truncated or non-ONNX file fails with OnnxModelError (code MODEL_INVALID).
 */
export function readOnnxInfo(bytes: Uint8Array, what = 'ONNX model'): OnnxModelInfo | null {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new OnnxModelError(
      `${what} (${bytes.length} bytes) is truncated or not an ONNX file: ${(cause as Error).message}. Export it again or check the download`,
      { cause, details: { bytes: bytes.length } },
    );
  }
  const graph = model.graph;
  if (!graph?.node?.length || !graph.output?.length) {
    throw new OnnxModelError(
      `${what} (${bytes.length} bytes) holds no complete graph (${graph?.node?.length ?? 0} nodes, ${graph?.output?.length ?? 0} outputs): the file is truncated or not an ONNX model`,
      { details: { bytes: bytes.length } },
    );
  }
  const props = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  if (!props.has(METADATA_KEYS.part)) return null;
  const part = props.get(METADATA_KEYS.part) as ExportPart;
  if (!EXPORT_PARTS.includes(part)) {
    throw new OnnxModelError(
      `${what}: metadata part is "${part}", expected one of ${EXPORT_PARTS.join(', ')}`,
    );
  }
  const info: OnnxModelInfo = {
    aekitVersion: props.get(METADATA_KEYS.aekitVersion) ?? '',
    name: props.get(METADATA_KEYS.name) ?? '',
    kind: props.get(METADATA_KEYS.kind) === 'vae' ? 'vae' : 'autoencoder',
    part,
    layout: props.get(METADATA_KEYS.layout) ?? '',
    inputShape: parseJson<number[]>(props.get(METADATA_KEYS.inputShape), METADATA_KEYS.inputShape, what),
    latentShape: parseJson<number[]>(props.get(METADATA_KEYS.latentShape), METADATA_KEYS.latentShape, what),
    outputShape: parseJson<number[]>(props.get(METADATA_KEYS.outputShape), METADATA_KEYS.outputShape, what),
    preprocessing: props.get(METADATA_KEYS.preprocessing) ?? '',
    inputs: parseJson<string[]>(props.get(METADATA_KEYS.inputs), METADATA_KEYS.inputs, what),
    outputs: parseJson<string[]>(props.get(METADATA_KEYS.outputs), METADATA_KEYS.outputs, what),
    spec: parseJson<ModelSpec>(props.get(METADATA_KEYS.spec), METADATA_KEYS.spec, what),
  };
  const graphInputs = (graph.input ?? []).map((i) => i.name ?? '');
  const missing = info.inputs.filter((n) => !graphInputs.includes(n));
  if (missing.length) {
    throw new OnnxModelError(
      `${what}: metadata names inputs ${formatShape(info.inputs)} but the graph has ${formatShape(graphInputs)}`,
    );
  }
  return info;
}

/** The bytes of a source; `readPath` resolves strings (a file path in Node, a URL in browsers). */
export async function sourceBytes(
  source: ModelSource,
  readPath: (path: string) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  if (typeof source === 'string') return readPath(source);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source && source.bytes instanceof Uint8Array) return source.bytes;
  throw new OnnxModelError(
    `cannot load a model from ${typeof source}: pass a path, a URL, a Uint8Array, an ArrayBuffer or the result of exportOnnx`,
  );
}
