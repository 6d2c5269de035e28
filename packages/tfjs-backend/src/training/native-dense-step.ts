import { createRng, type ModelSpec } from '@aekit/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import {
  allStages,
  type DenseStage,
  denseLayers,
  NativeDenseRunner,
  type RunnerParts,
} from '../engine/native-dense.js';
import type { Network } from '../engine/network.js';
import { nativeAdamUpdate } from '../kernels/wasm/AdamUpdate.js';
import { ACTIVATIONS } from '../kernels/wasm/BatchMatMul.js';
import { nativeSigmoidCrossEntropy } from '../kernels/wasm/CrossEntropy.js';
import { nativeReluGrad } from '../kernels/wasm/ReluGrad.js';
import { nativeColumnSums } from '../kernels/wasm/Sum.js';
import type { Tf, Variable } from '../tf.js';
import { type AdamState, adamSlots } from './fused-adam.js';
import type { Adam } from './optimizer-state.js';

/**
 * Why the native step does not train this spec, or undefined when it does: a dense stack (engine/native-dense.ts)
 * whose output layer is a sigmoid with the 'bce' loss (the loss then comes from its logits, as the engine
 * computes it), without regularisers.
 */
export function whyNoNativeStep(spec: ModelSpec): string | undefined {
  if (spec.regularizers.length > 0)
    return `regularisers (${spec.regularizers.map((r) => r.type).join(', ')})`;
  if (spec.loss.reconstruction !== 'bce') return `the ${spec.loss.reconstruction} loss`;
  const layers = denseLayers(spec);
  if (typeof layers === 'string') return layers;
  if (layers.decoder.at(-1)!.layer.activation !== 'sigmoid') return 'no sigmoid output layer';
  return undefined;
}

/**
 * A dense stack's whole training step (forward pass, loss, backward pass, Adam) as direct calls into aekit's
 * wasm SIMD kernels on buffers allocated once per fit, instead of some thirty tfjs ops recorded on a tape:
 * the same kernels and the same order of operations as the engine's step, so the same losses and weights
 * (a VAE's sampling and KL term, a few values per sample, are computed here in JavaScript: equal to the
 * engine's within float32 rounding), without tfjs's per-op bookkeeping (about 40% of a dense model's step on
 * one thread, half of it on two). The parameters and Adam's moments are updated in place in their
 * variables' memory. Off with AEKIT_NATIVE_DENSE=0.
 */
export class NativeDenseStep extends NativeDenseRunner {
  private readonly input: TensorInfo;
  private readonly target: TensorInfo;
  /** Each encoder and decoder layer's output (the decoder's last: the logits). */
  private readonly encoderOut: TensorInfo[];
  private readonly decoderOut: TensorInfo[];
  /** Two gradient buffers taken in turn, each room for one batch of the widest layer. */
  private readonly grads: [TensorInfo, TensorInfo];
  /** Each parameter's gradient. */
  private readonly gradOf = new Map<Variable, TensorInfo>();
  /** A VAE's per-sample values: the heads' outputs, the noise's scale, the code, and their gradients. */
  private readonly latent?: Record<'mean' | 'logVar' | 'std' | 'z' | 'dz' | 'dMean' | 'dLogVar', TensorInfo>;

  private constructor(
    tf: Tf,
    parts: RunnerParts,
    private readonly network: Network,
    batch: number,
  ) {
    super(tf, parts);
    const { encoder, heads, decoder } = this.stages;
    const widest = Math.max(...this.all.map((s) => Math.max(s.inputs, s.units)));
    this.input = this.make(batch * this.inputSize);
    this.target = this.make(batch * this.outputSize);
    this.encoderOut = encoder.map((s) => this.make(batch * s.units));
    this.decoderOut = decoder.map((s) => this.make(batch * s.units));
    this.grads = [this.make(batch * widest), this.make(batch * widest)];
    for (const s of this.all) {
      this.gradOf.set(s.kernel, this.make(s.inputs * s.units));
      if (s.bias) this.gradOf.set(s.bias, this.make(s.units));
    }
    if (heads) {
      const per = () => this.make(batch * heads.mean.units);
      this.latent = {
        mean: per(),
        logVar: per(),
        std: per(),
        z: per(),
        dz: per(),
        dMean: per(),
        dLogVar: per(),
      };
    }
    this.reserveScratch(Math.max(batch, widest));
  }

  /** The native step for this network's spec on the active backend, or undefined where it does not apply. */
  static create(tf: Tf, network: Network, batch: number): NativeDenseStep | undefined {
    if (whyNoNativeStep(network.spec) !== undefined) return undefined;
    const parts = NativeDenseRunner.parts(tf, network);
    if (parts === undefined) return undefined;
    // Adam updates every trainable parameter (its slots are indexed by the network's order).
    const params = new Set<Variable>(
      allStages(parts.stages).flatMap((s) => (s.bias ? [s.kernel, s.bias] : [s.kernel])),
    );
    if (network.trainable.length !== params.size || !network.trainable.every((v) => params.has(v))) {
      return undefined;
    }
    return new NativeDenseStep(tf, parts, network, batch);
  }

  /**
   * Back through `stages` (inputs[l]: stage l's input) from dz, the gradient of the last stage's
   * pre-activation, as the Dense kernel's gradient: kernel x^T . dz, bias the column sums of dz, input
   * dz . kernel^T then through the previous stage's ReLU. With `dxInto`, the first stage's input gradient is
   * written there (before any activation of whatever came before).
   */
  private backward(stages: DenseStage[], inputs: number[], dz: number, count: number, dxInto?: number): void {
    const { backend, native } = this;
    const [lo, hi] = ACTIVATIONS.linear!;
    for (let l = stages.length - 1; l >= 0; l--) {
      const s = stages[l]!;
      const x = inputs[l]!;
      this.product([
        x,
        dz,
        0,
        this.at(this.gradOf.get(s.kernel)!),
        s.inputs,
        s.units,
        count,
        1,
        0,
        lo,
        hi,
        0,
      ]);
      if (s.bias) nativeColumnSums(backend, native, dz, this.at(this.gradOf.get(s.bias)!), count, s.units);
      if (l === 0 && dxInto === undefined) break;
      const dx =
        l === 0
          ? dxInto!
          : this.at(this.grads[0]!) === dz
            ? this.at(this.grads[1]!)
            : this.at(this.grads[0]!);
      this.product([dz, this.at(s.kernel), 0, dx, count, s.inputs, s.units, 0, 1, lo, hi, 0]);
      if (l > 0 && stages[l - 1]!.activation === 'relu')
        nativeReluGrad(backend, native, dx, x, dx, count * s.inputs);
      dz = dx;
    }
  }

  /**
   * One optimiser step on `count` samples (at most the batch size given to create); `seed` is the step's, as
   * the engine's step takes it (a VAE's noise). Returns the loss and its terms, as the trainer's step does.
   */
  step(
    x: Float32Array,
    y: Float32Array,
    count: number,
    seed: number,
    optimizer: Adam,
  ): Record<string, number> {
    const { backend, native } = this;
    const { encoder, heads, decoder } = this.stages;
    const at = (t: TensorInfo) => this.at(t);
    const view = (t: TensorInfo, n: number) => this.view(t, n);
    const [inSize, outSize] = [this.inputSize, this.outputSize];
    view(this.input, count * inSize).set(x.subarray(0, count * inSize));
    view(this.target, count * outSize).set(y.subarray(0, count * outSize));

    this.forward(encoder, at(this.input), this.encoderOut, count);
    const h = encoder.length > 0 ? at(this.encoderOut.at(-1)!) : at(this.input);
    let code = h;
    let noise: TensorInfo | undefined;
    if (heads && this.latent) {
      // The heads, then z = mean + e^(logVar / 2) eps with the engine's noise (its first seed of the step).
      const lt = this.latent;
      this.forward([heads.mean], h, [lt.mean], count);
      this.forward([heads.logVar], h, [lt.logVar], count);
      const n = count * heads.mean.units;
      noise = this.tf.randomNormal([n], 0, 1, 'float32', createRng(seed).int(2147483647));
      const mean = view(lt.mean, n);
      const logVar = view(lt.logVar, n);
      const std = view(lt.std, n);
      const z = view(lt.z, n);
      const eps = view(noise, n);
      for (let i = 0; i < n; i++) {
        std[i] = Math.exp(Math.fround(logVar[i]! * 0.5));
        z[i] = mean[i]! + Math.fround(std[i]! * eps[i]!);
      }
      code = at(lt.z);
    }
    this.forward(decoder, code, this.decoderOut, count, true);

    // The reconstruction term and its gradient from the logits, reduced as sigmoidCrossEntropyLoss.
    const values = count * outSize;
    const divisor = this.network.spec.loss.reduction === 'mean' ? values : count;
    const [logits, target] = [at(this.decoderOut.at(-1)!), at(this.target)];
    // Rounded to float32 as the loss kernel's output is.
    const reconstruction = Math.fround(
      nativeSigmoidCrossEntropy.sum(backend, native, logits, target, values) / divisor,
    );
    const dLogits = at(this.grads[0]!);
    nativeSigmoidCrossEntropy.grad(backend, native, logits, target, dLogits, values, 1 / divisor);
    const decoderInputs = [code, ...this.decoderOut.slice(0, -1).map(at)];
    const encoderInputs = encoder.map((_, l) => (l === 0 ? at(this.input) : at(this.encoderOut[l - 1]!)));
    const terms: Record<string, number> = { reconstruction };

    if (heads && this.latent && noise) {
      const lt = this.latent;
      this.backward(decoder, decoderInputs, dLogits, count, at(lt.dz));
      // KL(q(z|x) || N(0, I)) = -beta/2 mean over samples of the sum of 1 + logVar - mean^2 - e^logVar, and the
      // gradients of it and of z: dMean = dz + beta mean / n, dLogVar = dz eps std / 2 + beta (e^logVar - 1) / 2n.
      const n = count * heads.mean.units;
      const mean = view(lt.mean, n);
      const logVar = view(lt.logVar, n);
      const std = view(lt.std, n);
      const dz = view(lt.dz, n);
      const dMean = view(lt.dMean, n);
      const dLogVar = view(lt.dLogVar, n);
      const eps = view(noise, n);
      const beta = heads.beta;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.exp(logVar[i]!);
        sum += 1 + logVar[i]! - mean[i]! * mean[i]! - e;
        dMean[i] = dz[i]! + (beta * mean[i]!) / count;
        dLogVar[i] = dz[i]! * eps[i]! * 0.5 * std[i]! + (0.5 * beta * (e - 1)) / count;
      }
      terms.kl = Math.fround(beta * Math.fround(-0.5 * Math.fround(sum / count)));
      this.tf.dispose(noise as never);
      // Back through both heads; the encoder's output gradient is the sum of theirs.
      const into = encoder.length > 0;
      const [dh, dh2] = [at(this.grads[0]!), at(this.grads[1]!)];
      this.backward([heads.mean], [h], at(lt.dMean), count, into ? dh : undefined);
      this.backward([heads.logVar], [h], at(lt.dLogVar), count, into ? dh2 : undefined);
      if (into) {
        const width = heads.mean.inputs;
        const [a, b] = [view(this.grads[0]!, count * width), view(this.grads[1]!, count * width)];
        for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
        if (encoder.at(-1)!.activation === 'relu') nativeReluGrad(backend, native, dh, h, dh, count * width);
        this.backward(encoder, encoderInputs, dh, count);
      }
    } else {
      // Deterministic: the decoder's input gradient flows into the encoder's last layer.
      const stages = [...encoder, ...decoder];
      this.backward(stages, [...encoderInputs, ...decoderInputs].slice(0, stages.length), dLogits, count);
    }
    this.adam(optimizer);
    this.network.changedInPlace();
    const loss = Object.values(terms).reduce((p, q) => Math.fround(p + q), 0);
    return { loss, ...terms };
  }

  /** Adam, as FusedAdam applies it: each parameter with the step's beta powers, then the powers advance. */
  private adam(optimizer: Adam): void {
    const { backend, native } = this;
    const state = optimizer as unknown as AdamState;
    const attrs = {
      learningRate: state.learningRate,
      beta1: state.beta1,
      beta2: state.beta2,
      epsilon: state.epsilon,
    };
    const [b1, b2] = [state.accBeta1, state.accBeta2].map((p) => backend.typedArrayFromHeap(p)[0]!) as [
      number,
      number,
    ];
    this.network.trainable.forEach((param, i) => {
      const { m, v } = adamSlots(this.tf, state, i, param.name, param);
      const [p, pm, pv] = [this.at(param), this.at(m), this.at(v)];
      const g = this.at(this.gradOf.get(param)!);
      nativeAdamUpdate(backend, native, [p, pm, pv, g, p, pm, pv], param.size, attrs, b1, b2);
    });
    backend.typedArrayFromHeap(state.accBeta1)[0] = b1 * Math.fround(state.beta1);
    backend.typedArrayFromHeap(state.accBeta2)[0] = b2 * Math.fround(state.beta2);
    state.incrementIterations();
  }
}
