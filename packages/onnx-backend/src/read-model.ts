import { formatShape, type ModelSpec, shapesEqual, validateSpec } from '@aekit/core';
import { OnnxModelError } from './errors.js';
import { EXPORT_PARTS, METADATA_KEYS, type ModelPart, type OnnxModelInfo } from './metadata.js';
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

function malformed(what: string, key: string, value: string | undefined, expected: string): OnnxModelError {
  const shown =
    value === undefined ? 'missing' : JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  return new OnnxModelError(
    `${what}: metadata "${key}" is ${shown}, expected ${expected}; the file is damaged or was not written by aekit export: export it again`,
    { details: { key, value } },
  );
}

/** A metadata shape: a JSON array of positive integers (one sample, without the batch axis). */
function parseShape(value: string | undefined, key: string, what: string): number[] {
  const shape = parseJson<unknown>(value, key, what);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw malformed(what, key, value, 'a JSON array of positive integers');
  }
  return shape as number[];
}

/** Metadata names: a JSON array of non-empty strings. */
function parseNames(value: string | undefined, key: string, what: string): string[] {
  const names = parseJson<unknown>(value, key, what);
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
    throw malformed(what, key, value, 'a JSON array of graph value names');
  }
  return names as string[];
}

/** The metadata spec: an object that validates as a model spec. */
function parseSpec(value: string | undefined, key: string, what: string): ModelSpec {
  const spec = parseJson<unknown>(value, key, what);
  try {
    return validateSpec(spec as ModelSpec);
  } catch (cause) {
    throw new OnnxModelError(
      `${what}: metadata "${key}" is not a valid model spec (${(cause as Error).message.split('\n')[0]}); export the model again`,
      { cause, details: { key } },
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
  const part = props.get(METADATA_KEYS.part) as ModelPart;
  if (part !== 'detector' && !EXPORT_PARTS.includes(part)) {
    throw new OnnxModelError(
      `${what}: metadata part is "${part}", expected one of ${EXPORT_PARTS.join(', ')}, detector`,
    );
  }
  const info: OnnxModelInfo = {
    aekitVersion: props.get(METADATA_KEYS.aekitVersion) ?? '',
    name: props.get(METADATA_KEYS.name) ?? '',
    kind: props.get(METADATA_KEYS.kind) === 'vae' ? 'vae' : 'autoencoder',
    part,
    layout: props.get(METADATA_KEYS.layout) ?? '',
    inputShape: parseShape(props.get(METADATA_KEYS.inputShape), METADATA_KEYS.inputShape, what),
    latentShape: parseShape(props.get(METADATA_KEYS.latentShape), METADATA_KEYS.latentShape, what),
    outputShape: parseShape(props.get(METADATA_KEYS.outputShape), METADATA_KEYS.outputShape, what),
    preprocessing: props.get(METADATA_KEYS.preprocessing) ?? '',
    inputs: parseNames(props.get(METADATA_KEYS.inputs), METADATA_KEYS.inputs, what),
    outputs: parseNames(props.get(METADATA_KEYS.outputs), METADATA_KEYS.outputs, what),
    spec: parseSpec(props.get(METADATA_KEYS.spec), METADATA_KEYS.spec, what),
  };
  if (info.spec.scaler) info.scaler = info.spec.scaler;
  // A decoder takes codes; the other parts take the spec's input.
  const takes = part === 'decoder' ? info.latentShape : info.spec.inputShape;
  if (!shapesEqual(takes, info.inputShape)) {
    throw new OnnxModelError(
      `${what}: metadata input shape ${formatShape(info.inputShape)} differs from the ${part === 'decoder' ? 'latent' : 'input'} shape ${formatShape(takes)} it implies; the file is damaged or was changed after export: export it again`,
    );
  }
  for (const [kind, names, values] of [
    ['inputs', info.inputs, graph.input ?? []],
    ['outputs', info.outputs, graph.output ?? []],
  ] as const) {
    const inGraph = values.map((v) => v.name ?? '');
    if (names.some((n) => !inGraph.includes(n))) {
      throw new OnnxModelError(
        `${what}: metadata names ${kind} ${formatShape(names)} but the graph has ${formatShape(inGraph)}; the file is damaged or was changed after export: export it again`,
      );
    }
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
