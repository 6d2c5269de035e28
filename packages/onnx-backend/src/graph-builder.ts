import { onnx } from './proto.js';

type Attr = number | string | number[] | { floats: number[] } | { float: number };

function floatBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}

function attribute(name: string, value: Attr): onnx.AttributeProto.$Properties {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.FLOAT, f: value.float };
}

/** A tensor's type with a symbolic batch axis: `['batch', 28, 28, 1]`. */
export function valueInfo(name: string, dims: readonly (number | string)[]): onnx.ValueInfoProto.$Properties {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/**
 * Builds an ONNX GraphProto step by step through the typed builders: initializers (float32 weights, int64
 * shape constants), nodes with attributes, unique value names.
 */
export class GraphBuilder {
  readonly nodes: onnx.NodeProto.$Properties[] = [];
  readonly initializers: onnx.TensorProto.$Properties[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a name (graph inputs/outputs) so that nothing else takes it. */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  floats(hint: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(hint);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: floatBytes(data),
    });
    return name;
  }

  ints(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: [...values],
    });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, inputs: readonly string[], hint: string, attrs: Record<string, Attr> = {}): string {
    return this.nodeMulti(opType, inputs, [hint], attrs)[0]!;
  }

  /** Adds a node; `outputs` are name hints, or '' for an unused optional output. */
  nodeMulti(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, Attr> = {},
  ): string[] {
    const names = outputs.map((o) => (o === '' ? '' : this.fresh(o)));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: [...inputs],
      output: names,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  /** Renames the last node's output to a graph output's name (graph outputs are named by the caller). */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = node.input?.map((n) => (n === from ? to : n)) ?? null;
      node.output = node.output?.map((n) => (n === from ? to : n)) ?? null;
    }
  }
}
