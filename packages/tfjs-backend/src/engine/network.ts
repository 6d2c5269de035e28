import {
  formatShape,
  inferShapes,
  initialWeights,
  type Layer,
  type ModelSpec,
  OptionError,
  type ParamInfo,
  paramInfos,
  type SpecShapes,
  shapeSize,
} from '@aekit/core';
import type { Tensor, Tf, Variable } from '../tf.js';
import { type ForwardContext, isTilingPool, layerForward } from './layers.js';
import { gaussianKl, reconstructionLoss, sigmoidCrossEntropyLoss } from './losses.js';
import { klSparsity, l1Activity, l2Weights, sigmoidDenseJacobianNorm } from './regularizers.js';

/** Codes up to this size get the exact contractive penalty (one backward pass per code unit). */
export const CONTRACTIVE_EXACT_MAX = 8;
/** Random projections per step of the contractive estimate for larger codes. */
export const CONTRACTIVE_PROJECTIONS = 4;

export interface ForwardResult {
  /** What `encode` returns: the deterministic code, or the mean for a VAE. */
  code: Tensor;
  /** The code the decoder sees: a sample in training for a VAE, else `code`. */
  z: Tensor;
  mean?: Tensor;
  logVar?: Tensor;
  output: Tensor;
}

let nextNetworkId = 0;

/**
 * The index of the decoder layer whose sigmoid makes the output (followed by reshapes only), if there is
 * one: a 'bce' loss is then computed from that layer's pre-activation.
 */
function sigmoidOutputLayer(layers: readonly Layer[]): number | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (layer.type === 'flatten' || layer.type === 'reshape') continue;
    const activated =
      layer.type === 'dense' ||
      layer.type === 'conv2d' ||
      layer.type === 'conv2dTranspose' ||
      layer.type === 'activation';
    return activated && layer.activation === 'sigmoid' ? i : undefined;
  }
  return undefined;
}

/** A spec's parameters as tf.Variables (one per paramInfos entry) and its forward passes and loss terms. */
export class Network {
  readonly infos: ParamInfo[];
  readonly shapes: SpecShapes;
  readonly variables = new Map<string, Variable>();
  /** Parameters the optimiser updates (everything but batch-norm moving statistics), in paramInfos order. */
  readonly trainable: Variable[] = [];
  /** tf variable name -> parameter name. */
  readonly paramNameOf = new Map<string, string>();
  private readonly contractiveClosedForm: boolean;
  /** Decoder layer whose sigmoid the 'bce' loss folds in (it then runs on logits), if any. */
  private readonly bceLogitsLayer: number | undefined;

  constructor(
    readonly tf: Tf,
    readonly spec: ModelSpec,
    seed: number,
  ) {
    this.infos = paramInfos(spec);
    this.shapes = inferShapes(spec);
    const id = nextNetworkId++;
    const values = initialWeights(spec, seed).map((w) => w.data);
    this.infos.forEach((info, i) => {
      const trainable = info.role !== 'state';
      const variable = tf.tidy(() =>
        tf.variable(tf.tensor(values[i]!, info.shape), trainable, `aekit${id}/${info.name}`),
      );
      this.variables.set(info.name, variable);
      this.paramNameOf.set(variable.name, info.name);
      if (trainable) this.trainable.push(variable);
    });
    this.bceLogitsLayer = spec.loss.reconstruction === 'bce' ? sigmoidOutputLayer(spec.decoder) : undefined;
    const dense = spec.encoder.filter((l) => l.type !== 'flatten');
    this.contractiveClosedForm =
      spec.latent.type === 'deterministic' &&
      dense.length === 1 &&
      dense[0]!.type === 'dense' &&
      dense[0]!.activation === 'sigmoid' &&
      this.shapes.encoder[spec.encoder.indexOf(dense[0]!)]!.length === 1;
    if (!this.contractiveClosedForm && spec.regularizers.some((r) => r.type === 'contractive')) {
      spec.encoder.forEach((layer, i) => {
        if (layer.type === 'maxPool2d' && !isTilingPool(layer, this.shapes.encoder[i]!)) {
          throw new OptionError(
            `contractive penalty: encoder[${i}] (maxPool2d, pool ${JSON.stringify(layer.poolSize)}, strides ${JSON.stringify(layer.strides ?? layer.poolSize)}, input ${formatShape(this.shapes.encoder[i]!)}) has overlapping or ragged windows, whose gradient tfjs cannot differentiate twice; use strides equal to the pool size on an input they divide, or a strided conv2d`,
          );
        }
      });
    }
  }

  param(name: string): Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`internal: no parameter ${name}`);
    return v;
  }

  /**
   * Host copies of parameter values by tfjs data id, for backends that cannot read synchronously (WebGPU in
   * Node: tfjs-backend-webgpu's synchronous read needs an OffscreenCanvas). A copy stays valid while the
   * parameter keeps that data id; every assignment gives it a new one.
   */
  private readonly hostValues = new WeakMap<object, Float32Array>();

  /** A parameter's values, read synchronously: its host copy when it has one. */
  paramValues(name: string): Float32Array {
    const v = this.param(name);
    return this.hostValues.get(v.dataId) ?? (v.dataSync() as Float32Array);
  }

  /** Forgets the host copies: the parameters' values were changed in place (the trainer's native dense step). */
  changedInPlace(): void {
    for (const v of this.variables.values()) this.hostValues.delete(v.dataId);
  }

  /** Records the values just assigned to a parameter (setWeights): reading them back needs no GPU read. */
  assignedValues(name: string, values: Float32Array): void {
    this.hostValues.set(this.param(name).dataId, values);
  }

  /**
   * On webgpu, reads every parameter to the host (asynchronously), so that the synchronous reads that follow
   * (getWeights, checkpoints, the trainer's finite-weights check) work; elsewhere a no-op.
   */
  async readToHost(): Promise<void> {
    if (this.tf.getBackend() !== 'webgpu') return;
    for (const v of this.variables.values()) {
      if (!this.hostValues.has(v.dataId)) this.hostValues.set(v.dataId, (await v.data()) as Float32Array);
    }
  }

  /** Runs `layers`; the layer at `linearAt` (if any) skips its activation. */
  private runLayers(
    ctx: ForwardContext,
    part: 'encoder' | 'decoder',
    layers: readonly Layer[],
    x: Tensor,
    linearAt?: number,
  ) {
    let h = x;
    layers.forEach((layer, i) => {
      const run =
        i === linearAt && 'activation' in layer ? { ...layer, activation: 'linear' as const } : layer;
      h = layerForward(ctx, run, h, (suffix) => this.param(`${part}.${i}.${suffix}`));
    });
    return h;
  }

  /** Encoder layers then, for a VAE, the mean/logVar heads (and a reparameterised sample in training). */
  encode(ctx: ForwardContext, x: Tensor): Omit<ForwardResult, 'output'> {
    const { tf } = ctx;
    const h = this.runLayers(ctx, 'encoder', this.spec.encoder, x);
    if (this.spec.latent.type !== 'gaussian') return { code: h, z: h };
    // Each head is a linear dense layer: one fused product-and-bias kernel where the backend has it.
    const layer = {
      type: 'dense',
      units: this.spec.latent.dim,
      activation: 'linear',
      useBias: true,
    } as const;
    const head = (name: string) =>
      layerForward(ctx, layer, h, (suffix) => this.param(`latent.${name}.${suffix}`));
    const mean = head('mean');
    const logVar = head('logVar');
    const z = ctx.training
      ? tf.add(
          mean,
          tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal(mean.shape, 0, 1, 'float32', ctx.nextSeed())),
        )
      : mean;
    return { code: mean, z, mean, logVar };
  }

  /** The decoder's output, or with `logits` the pre-activation of its sigmoid output layer. */
  decode(ctx: ForwardContext, z: Tensor, logits = false): Tensor {
    return this.runLayers(ctx, 'decoder', this.spec.decoder, z, logits ? this.bceLogitsLayer : undefined);
  }

  forward(ctx: ForwardContext, x: Tensor, logits = false): ForwardResult {
    const encoded = this.encode(ctx, x);
    return { ...encoded, output: this.decode(ctx, encoded.z, logits) };
  }

  /** Kernels (not biases, scales or states), for the L2 penalty. */
  kernels(): Variable[] {
    return this.infos.filter((i) => i.role === 'kernel').map((i) => this.param(i.name));
  }

  /**
   * ||dcode/dx||_F^2 averaged over the batch, differentiable. Closed form for a single dense sigmoid encoder;
   * otherwise exact via one backward pass per code unit when the code has at most CONTRACTIVE_EXACT_MAX units,
   * else an unbiased random-projection estimate E_v ||J^T v||^2 with v ~ N(0, I) (CONTRACTIVE_PROJECTIONS
   * draws). The encoder runs in inference mode inside this penalty (no dropout, moving batch-norm statistics),
   * with activations and max pooling whose gradients can be differentiated again exactly.
   */
  jacobianNorm(ctx: ForwardContext, x: Tensor, code: Tensor, exact = false): Tensor {
    const { tf } = ctx;
    if (this.contractiveClosedForm) {
      const index = this.spec.encoder.findIndex((l) => l.type === 'dense');
      return sigmoidDenseJacobianNorm(tf, code, this.param(`encoder.${index}.kernel`));
    }
    const inference: ForwardContext = { tf, training: false, nextSeed: ctx.nextSeed, secondOrder: true };
    const size = shapeSize(this.shapes.latent);
    const n = x.shape[0]!;
    const useExact = exact || size <= CONTRACTIVE_EXACT_MAX;
    const count = useExact ? size : CONTRACTIVE_PROJECTIONS;
    const parts: Tensor[] = [];
    for (let k = 0; k < count; k++) {
      const v = useExact
        ? tf.reshape(tf.oneHot(tf.tensor1d([k], 'int32'), size), [1, size])
        : tf.randomNormal([1, size], 0, 1, 'float32', ctx.nextSeed());
      const g = tf.grad((xi: Tensor) =>
        tf.sum(tf.mul(tf.reshape(this.encode(inference, xi).code, [n, size]), v)),
      )(x);
      parts.push(tf.div(tf.sum(tf.square(g)), n));
    }
    const total = tf.addN(parts);
    return useExact ? total : tf.div(total, count);
  }

  /** Every loss term of a batch (already weighted); the loss is their sum. */
  lossTerms(ctx: ForwardContext, x: Tensor, y: Tensor): Record<string, Tensor> {
    const { tf } = ctx;
    // A sigmoid output with 'bce': the loss from the logits (one fused kernel and its gradient).
    const logits = this.bceLogitsLayer !== undefined;
    const out = this.forward(ctx, x, logits);
    const terms: Record<string, Tensor> = {
      reconstruction: logits
        ? sigmoidCrossEntropyLoss(tf, this.spec.loss.reduction, out.output, y)
        : reconstructionLoss(tf, this.spec.loss, out.output, y),
    };
    if (this.spec.latent.type === 'gaussian' && out.mean && out.logVar) {
      terms.kl = tf.mul(this.spec.latent.beta, gaussianKl(tf, out.mean, out.logVar));
    }
    for (const r of this.spec.regularizers) {
      switch (r.type) {
        case 'l1Activity':
          terms.l1Activity = l1Activity(tf, r, out.code);
          break;
        case 'klSparsity':
          terms.klSparsity = klSparsity(tf, r, out.code);
          break;
        case 'contractive':
          terms.contractive = tf.mul(r.weight, this.jacobianNorm(ctx, x, out.code));
          break;
        case 'l2Weights':
          terms.l2Weights = l2Weights(tf, r, this.kernels());
          break;
      }
    }
    return terms;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.trainable.length = 0;
  }
}
