import type * as TfCore from '@tensorflow/tfjs-core';
import { AdamUpdate, type AdamUpdateAttrs } from '../kernels/custom-kernels.js';
import type { Tensor, Tf } from '../tf.js';

/** AdamOptimizer's state fields and its step counter (public in JS, protected in its typings). */
export interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: TfCore.Variable;
  accBeta2: TfCore.Variable;
  accumulatedFirstMoment: { originalName: string; variable: TfCore.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: TfCore.Variable }[];
  incrementIterations(): void;
}

/**
 * The moment slots of parameter `i` of the optimiser's variable list (named after its variable `name`),
 * made as zeros on first use: where tfjs' AdamOptimizer keeps them, so its getWeights/setWeights and
 * checkpoints see them.
 */
export function adamSlots(
  tf: Tf,
  state: AdamState,
  i: number,
  name: string,
  param: Tensor,
): { m: TfCore.Variable; v: TfCore.Variable } {
  const slot = (kind: 'm' | 'v') => ({
    originalName: `${name}/${kind}`,
    variable: tf.tidy(() => tf.zerosLike(param).variable(false)),
  });
  state.accumulatedFirstMoment[i] ??= slot('m');
  state.accumulatedSecondMoment[i] ??= slot('v');
  return { m: state.accumulatedFirstMoment[i].variable, v: state.accumulatedSecondMoment[i].variable };
}

type AdamClass = new (
  learningRate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
) => TfCore.AdamOptimizer;

const classes = new WeakMap<Tf, AdamClass>();

/**
 * tfjs' AdamOptimizer whose update runs as one aekit kernel per parameter (AekitAdamUpdate) where the active
 * backend has it (wasm, cpu), instead of about fifteen small ops each; elsewhere it is tfjs' own update.
 * The state lives in the same fields, so checkpoints and tfjs' getWeights/setWeights see no difference.
 */
export function fusedAdamClass(tf: Tf): AdamClass {
  const cached = classes.get(tf);
  if (cached) return cached;
  class FusedAdam extends tf.AdamOptimizer {
    override applyGradients(gradients: Parameters<TfCore.AdamOptimizer['applyGradients']>[0]): void {
      if (tf.getKernel(AdamUpdate, tf.getBackend()) === undefined) {
        super.applyGradients(gradients);
        return;
      }
      const state = this as unknown as AdamState;
      const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
      const attrs: AdamUpdateAttrs = {
        learningRate: state.learningRate,
        beta1: state.beta1,
        beta2: state.beta2,
        epsilon: state.epsilon,
      };
      tf.tidy(() => {
        names.forEach((name, i) => {
          const param = tf.engine().registeredVariables[name]!;
          const { m, v } = adamSlots(tf, state, i, name, param);
          const gradient: Tensor | undefined = Array.isArray(gradients)
            ? gradients[i]!.tensor
            : gradients[name];
          if (gradient == null) return;
          const [newParam, newM, newV] = tf
            .engine()
            .runKernel(
              AdamUpdate,
              { param, m, v, gradient, accBeta1: state.accBeta1, accBeta2: state.accBeta2 },
              attrs as unknown as TfCore.NamedAttrMap,
            ) as Tensor[];
          m.assign(newM!);
          v.assign(newV!);
          param.assign(newParam!);
        });
        state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
        state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
      });
      this.incrementIterations();
    }
  }
  classes.set(tf, FusedAdam);
  return FusedAdam;
}
