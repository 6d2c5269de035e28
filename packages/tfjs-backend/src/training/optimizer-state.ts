import { AekitError, type NamedTensor, shapesEqual } from '@aekit/core';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { Network } from '../engine/network.js';
import type { Tf } from '../tf.js';
import { fusedAdamClass } from './fused-adam.js';

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** The fields of tfjs' AdamOptimizer that hold its state (public in JS, protected in its typings). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: TfCore.Variable;
  accBeta2: TfCore.Variable;
  accumulatedFirstMoment: { originalName: string; variable: TfCore.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: TfCore.Variable }[];
  iterations_: number;
}

export type Adam = TfCore.AdamOptimizer;

function internals(optimizer: Adam): AdamInternals {
  return optimizer as unknown as AdamInternals;
}

export function createAdam(tf: Tf, learningRate: number): Adam {
  const FusedAdam = fusedAdamClass(tf);
  return new FusedAdam(learningRate, ADAM_DEFAULTS.beta1, ADAM_DEFAULTS.beta2, ADAM_DEFAULTS.epsilon);
}

export function setLearningRate(optimizer: Adam, learningRate: number): void {
  internals(optimizer).learningRate = learningRate;
}

export function adamConfig(optimizer: Adam): Record<string, number | string> {
  const o = internals(optimizer);
  return { name: 'adam', learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon };
}

/**
 * On webgpu, reads Adam's slots to the host (asynchronously; tfjs keeps the copy), so that `readAdamSlots` can
 * read them synchronously; elsewhere a no-op.
 */
export async function readAdamSlotsToHost(tf: Tf, optimizer: Adam | undefined): Promise<void> {
  if (optimizer === undefined || tf.getBackend() !== 'webgpu') return;
  const o = internals(optimizer);
  for (const slots of [o.accumulatedFirstMoment, o.accumulatedSecondMoment]) {
    for (const slot of slots) if (slot) await slot.variable.data();
  }
}

/** Adam's m and v slots named `<param>/m`, `<param>/v` (empty before the first step). */
export function readAdamSlots(optimizer: Adam, network: Network): NamedTensor[] {
  const o = internals(optimizer);
  const out: NamedTensor[] = [];
  for (const slots of [o.accumulatedFirstMoment, o.accumulatedSecondMoment]) {
    for (const slot of slots) {
      if (!slot) continue;
      const [varName, kind] = [slot.originalName.slice(0, -2), slot.originalName.slice(-1)];
      const param = network.paramNameOf.get(varName);
      if (!param) continue;
      out.push({
        name: `${param}/${kind}`,
        shape: [...slot.variable.shape],
        data: (slot.variable.dataSync() as Float32Array).slice(),
      });
    }
  }
  return out;
}

/**
 * Restores Adam's slots (from readAdamSlots) for `step` optimiser steps taken: the bias-correction powers
 * become beta^(step + 1), as tfjs keeps them.
 */
export function writeAdamSlots(
  tf: Tf,
  optimizer: Adam,
  network: Network,
  slots: readonly NamedTensor[],
  step: number,
): void {
  const o = internals(optimizer);
  const byName = new Map(slots.map((s) => [s.name, s]));
  const make = (kind: 'm' | 'v') =>
    network.trainable.map((variable) => {
      const param = network.paramNameOf.get(variable.name)!;
      const slot = byName.get(`${param}/${kind}`);
      if (!slot) {
        throw new AekitError(
          'CHECKPOINT_INVALID',
          `optimizer state lacks "${param}/${kind}"; it holds ${slots.length} tensors. Resume without optimizer state or use a matching checkpoint.`,
        );
      }
      if (!shapesEqual(slot.shape, variable.shape)) {
        throw new AekitError(
          'CHECKPOINT_INVALID',
          `optimizer slot "${param}/${kind}" has shape [${slot.shape.join(', ')}], expected [${variable.shape.join(', ')}]`,
        );
      }
      return {
        originalName: `${variable.name}/${kind}`,
        variable: tf.tidy(() => tf.variable(tf.tensor(slot.data, [...slot.shape]), false)),
      };
    });
  const first = make('m');
  const second = make('v');
  for (const s of [...o.accumulatedFirstMoment, ...o.accumulatedSecondMoment]) s?.variable.dispose();
  o.accumulatedFirstMoment = first;
  o.accumulatedSecondMoment = second;
  tf.tidy(() => {
    o.accBeta1.assign(tf.scalar(o.beta1 ** (step + 1)));
    o.accBeta2.assign(tf.scalar(o.beta2 ** (step + 1)));
  });
  o.iterations_ = step;
}
