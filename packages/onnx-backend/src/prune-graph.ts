import { onnx } from './proto.js';

/**
 * The model with only the nodes that `outputs` depend on (and only those graph outputs and initializers).
 * ONNX Runtime runs every node of a graph whatever the fetches of a call, so `encode` on a full export
 * runs this pruned copy rather than the decoder too (see OnnxSession.encode).
 */
export function pruneToOutputs(bytes: Uint8Array, outputs: readonly string[]): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnx.GraphProto;
  const needed = new Set(outputs);
  const kept: typeof graph.node = [];
  for (const node of [...(graph.node ?? [])].reverse()) {
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const input of node.input ?? []) if (input) needed.add(input);
  }
  graph.node = kept.reverse();
  graph.output = (graph.output ?? []).filter((o) => outputs.includes(o.name ?? ''));
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ''));
  return onnx.ModelProto.encode(model).finish();
}
