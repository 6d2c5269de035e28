import { type Layer, type ModelSpec, shapeSize } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { Network } from '../engine/network.js';
import { nativeAdamUpdate } from '../kernels/wasm/AdamUpdate.js';
import { ACTIVATIONS, nativeProduct, type ProductArgs } from '../kernels/wasm/BatchMatMul.js';
import { nativeSigmoidCrossEntropy } from '../kernels/wasm/CrossEntropy.js';
import { addressOf, type NativeKernels, nativeKernels } from '../kernels/wasm/native.js';
import { kernelThreads, kernelThreadsFor } from '../kernels/wasm/native-threads.js';
import { nativeReluGrad } from '../kernels/wasm/ReluGrad.js';
import { nativeColumnSums } from '../kernels/wasm/Sum.js';
import type { Tf, Variable } from '../tf.js';
import { type AdamState, adamSlots } from './fused-adam.js';
import type { Adam } from './optimizer-state.js';

/** One dense layer of the stack: its parameters and sizes. */
interface DenseStage {
  kernel: Variable;
  bias: Variable | undefined;
  inputs: number;
  units: number;
  /** ReLU or linear; the last layer's sigmoid is folded into the loss. */
  relu: boolean;
}

/**
 * The dense layers of a spec that the native step trains, in order, or why it does not: only flatten,
 * reshape and dense layers, ReLU or linear activations, and a sigmoid output layer with the 'bce' loss (so
 * that the loss comes from its logits, as the engine computes it); a deterministic code and no regularisers.
 */
export function denseStack(
  spec: ModelSpec,
): { layers: { name: string; layer: Layer & { type: 'dense' } }[] } | string {
  if (spec.latent.type !== 'deterministic') return `a ${spec.latent.type} latent`;
  if (spec.regularizers.length > 0)
    return `regularisers (${spec.regularizers.map((r) => r.type).join(', ')})`;
  if (spec.loss.reconstruction !== 'bce') return `the ${spec.loss.reconstruction} loss`;
  const layers: { name: string; layer: Layer & { type: 'dense' } }[] = [];
  for (const part of ['encoder', 'decoder'] as const) {
    for (const [i, layer] of spec[part].entries()) {
      if (layer.type === 'flatten' || layer.type === 'reshape') continue;
      if (layer.type !== 'dense') return `a ${layer.type} layer`;
      layers.push({ name: `${part}.${i}`, layer });
    }
  }
  const last = layers.at(-1);
  if (last === undefined || last.layer.activation !== 'sigmoid') return 'no sigmoid dense output layer';
  const hidden = layers
    .slice(0, -1)
    .find(({ layer }) => layer.activation !== 'relu' && layer.activation !== 'linear');
  if (hidden) return `a ${hidden.layer.activation} hidden layer`;
  return { layers };
}

/**
 * A dense stack's whole training step (forward pass, loss, backward pass, Adam) as direct calls into aekit's
 * wasm SIMD kernels on buffers allocated once per fit, instead of some thirty tfjs ops recorded on a tape:
 * the same kernels and the same order of operations as the engine's step, so the same losses and weights,
 * without tfjs's per-op bookkeeping (about 40% of a dense model's step on one thread, half of it on two).
 * The parameters and Adam's moments are updated in place in their variables' memory.
 * Off with AEKIT_NATIVE_DENSE_STEP=0.
 */
export class NativeDenseStep {
  private readonly buffers: TensorInfo[] = [];
  private readonly input: TensorInfo;
  private readonly target: TensorInfo;
  /** Each layer's output (the last one's: the logits). */
  private readonly outputs: TensorInfo[];
  /** Two gradient buffers taken in turn, each room for one batch of the widest layer. */
  private readonly grads: [TensorInfo, TensorInfo];
  private readonly kernelGrads: TensorInfo[];
  private readonly biasGrads: (TensorInfo | undefined)[];
  private readonly scratch: TensorInfo;
  private readonly scratchFloats: number;

  private constructor(
    private readonly tf: Tf,
    private readonly backend: BackendWasm,
    private readonly native: NativeKernels,
    private readonly network: Network,
    private readonly stages: DenseStage[],
    batch: number,
  ) {
    const make = (size: number) => {
      const t = backend.makeOutput([Math.max(1, size)], 'float32');
      this.buffers.push(t);
      return t;
    };
    const first = stages[0]!;
    const last = stages.at(-1)!;
    const widest = Math.max(...stages.map((s) => Math.max(s.inputs, s.units)));
    this.input = make(batch * first.inputs);
    this.target = make(batch * last.units);
    this.outputs = stages.map((s) => make(batch * s.units));
    this.grads = [make(batch * widest), make(batch * widest)];
    this.kernelGrads = stages.map((s) => make(s.inputs * s.units));
    this.biasGrads = stages.map((s) => (s.bias ? make(s.units) : undefined));
    // Room for any product here, per thread: the scratch a product needs is not monotonic in its K.
    let floats = 0;
    for (let k = 1; k <= Math.max(batch, widest); k++)
      floats = Math.max(floats, native.matmulScratchFloats(k));
    this.scratchFloats = floats;
    this.scratch = make(floats * (kernelThreads(backend)?.count ?? 1));
  }

  /** The native step for this network's spec on the active backend, or undefined where it does not apply. */
  static create(tf: Tf, network: Network, batch: number): NativeDenseStep | undefined {
    if (process.env.AEKIT_NATIVE_DENSE_STEP === '0' || tf.getBackend() !== 'wasm') return undefined;
    const backend = tf.backend() as unknown as BackendWasm;
    const native = nativeKernels(backend);
    const stack = denseStack(network.spec);
    if (native === null || typeof stack === 'string') return undefined;
    let inputs = shapeSize(network.shapes.input);
    const stages: DenseStage[] = [];
    for (const { name, layer } of stack.layers) {
      const kernel = network.param(`${name}.kernel`);
      if (kernel.shape[0] !== inputs) return undefined;
      stages.push({
        kernel,
        bias: layer.useBias ? network.param(`${name}.bias`) : undefined,
        inputs,
        units: layer.units,
        relu: layer.activation === 'relu',
      });
      inputs = layer.units;
    }
    if (inputs !== shapeSize(network.shapes.output)) return undefined;
    // Adam updates the parameters in the network's order (its slots are indexed by it).
    const ordered = new Set<Variable>(stages.flatMap((s) => (s.bias ? [s.kernel, s.bias] : [s.kernel])));
    if (network.trainable.length !== ordered.size || !network.trainable.every((v) => ordered.has(v))) {
      return undefined;
    }
    return new NativeDenseStep(tf, backend, native, network, stages, batch);
  }

  /** One optimiser step on `count` samples (at most the batch size given to create); returns the loss. */
  step(x: Float32Array, y: Float32Array, count: number, optimizer: Adam): number {
    const { backend, native, stages } = this;
    const at = (t: TensorInfo) => addressOf(backend, t);
    const last = stages.length - 1;
    // Views are taken after any allocation: growing the heap detaches older views.
    backend.typedArrayFromHeap(this.input).set(x.subarray(0, count * stages[0]!.inputs));
    backend.typedArrayFromHeap(this.target).set(y.subarray(0, count * stages[last]!.units));
    const product = (args: ProductArgs) =>
      nativeProduct(
        native,
        kernelThreadsFor(backend, args[4] * args[5] * args[6]),
        at(this.scratch),
        this.scratchFloats,
        args,
      );

    // Forward: each layer's output = clamp(input . kernel + bias), the last one's linear (the logits).
    let input = at(this.input);
    stages.forEach((s, l) => {
      const [lo, hi] = ACTIVATIONS[l < last && s.relu ? 'relu' : 'linear']!;
      const bias = s.bias ? at(s.bias) : 0;
      product([input, at(s.kernel), bias, at(this.outputs[l]!), count, s.units, s.inputs, 0, 0, lo, hi, 0]);
      input = at(this.outputs[l]!);
    });

    // The loss and its gradient from the logits, reduced as sigmoidCrossEntropyLoss.
    const values = count * stages[last]!.units;
    const divisor = this.network.spec.loss.reduction === 'mean' ? values : count;
    const [logits, target] = [at(this.outputs[last]!), at(this.target)];
    // Rounded to float32 as the loss kernel's output is.
    const loss = Math.fround(
      nativeSigmoidCrossEntropy.sum(backend, native, logits, target, values) / divisor,
    );
    nativeSigmoidCrossEntropy.grad(
      backend,
      native,
      logits,
      target,
      at(this.grads[last % 2]!),
      values,
      1 / divisor,
    );

    // Backward, as the Dense kernel's gradient: kernel x^T . dz, bias the column sums of dz, input dz . kernel^T
    // (then through the previous layer's ReLU).
    for (let l = last; l >= 0; l--) {
      const s = stages[l]!;
      const dz = at(this.grads[l % 2]!);
      const x = l === 0 ? at(this.input) : at(this.outputs[l - 1]!);
      const [lo, hi] = ACTIVATIONS.linear!;
      product([x, dz, 0, at(this.kernelGrads[l]!), s.inputs, s.units, count, 1, 0, lo, hi, 0]);
      if (s.bias) nativeColumnSums(backend, native, dz, at(this.biasGrads[l]!), count, s.units);
      if (l === 0) break;
      const dx = at(this.grads[(l - 1) % 2]!);
      product([dz, at(s.kernel), 0, dx, count, s.inputs, s.units, 0, 1, lo, hi, 0]);
      if (stages[l - 1]!.relu) nativeReluGrad(backend, native, dx, x, dx, count * s.inputs);
    }

    // Adam, as FusedAdam applies it: each parameter with the step's beta powers, then the powers advance.
    const state = optimizer as unknown as AdamState;
    const attrs = {
      learningRate: state.learningRate,
      beta1: state.beta1,
      beta2: state.beta2,
      epsilon: state.epsilon,
    };
    const powers = [state.accBeta1, state.accBeta2] as const;
    const [b1, b2] = powers.map((p) => backend.typedArrayFromHeap(p)[0]!) as [number, number];
    const gradOf = new Map<Variable, TensorInfo>();
    stages.forEach((s, l) => {
      gradOf.set(s.kernel, this.kernelGrads[l]!);
      if (s.bias) gradOf.set(s.bias, this.biasGrads[l]!);
    });
    this.network.trainable.forEach((param, i) => {
      const { m, v } = adamSlots(this.tf, state, i, param.name, param);
      const [p, pm, pv] = [at(param), at(m), at(v)];
      nativeAdamUpdate(
        backend,
        native,
        [p, pm, pv, at(gradOf.get(param)!), p, pm, pv],
        param.size,
        attrs,
        b1,
        b2,
      );
    });
    backend.typedArrayFromHeap(state.accBeta1)[0] = b1 * Math.fround(state.beta1);
    backend.typedArrayFromHeap(state.accBeta2)[0] = b2 * Math.fround(state.beta2);
    state.incrementIterations();
    this.network.changedInPlace();
    return loss;
  }

  dispose(): void {
    for (const t of this.buffers.splice(0)) this.backend.disposeData(t.dataId);
  }
}
