import { OnnxModelError } from '../errors.js';
import { onnx } from '../proto.js';

/** One graph input or output: its name, ONNX element type and dims (-1 for a symbolic axis such as `batch`). */
export interface TensorSignature {
  name: string;
  /** ONNX TensorProto.DataType number (1 = FLOAT). */
  elemType: number;
  dims: number[];
}

export interface GraphSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

function tensorSignature(value: onnx.IValueInfoProto, what: string): TensorSignature {
  const tensor = value.type?.tensorType;
  if (!tensor?.shape?.dim) {
    throw new OnnxModelError(
      `${what}: graph value "${value.name}" has no tensor shape; export it with a shape`,
    );
  }
  return {
    name: value.name ?? '',
    elemType: tensor.elemType ?? 0,
    dims: tensor.shape.dim.map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
    ),
  };
}

/** The declared inputs and outputs of an ONNX graph (initializers excluded), read from the file itself. */
export function graphSignature(bytes: Uint8Array, what = 'ONNX model'): GraphSignature {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new OnnxModelError(`${what} is truncated or not an ONNX file: ${(cause as Error).message}`, {
      cause,
    });
  }
  const graph = model.graph;
  if (!graph) throw new OnnxModelError(`${what} holds no graph`);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map((v) => tensorSignature(v, what)),
    outputs: (graph.output ?? []).map((v) => tensorSignature(v, what)),
  };
}

/** ONNX's FLOAT element type: the only one aekit exports and serves. */
export const ONNX_FLOAT = 1;
