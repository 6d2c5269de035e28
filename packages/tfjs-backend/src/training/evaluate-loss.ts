import { OptionError, type TrainData } from '@aekit/core';
import { forwardContext } from '../engine/context.js';
import type { Network } from '../engine/network.js';
import type { Tf } from '../tf.js';
import { checkPairs } from './batches.js';

/** The loss terms of a data set in inference mode, as sums over samples (not yet averaged), and the count. */
export async function evaluateLossSums(
  tf: Tf,
  network: Network,
  data: TrainData,
  batchSize: number,
  what: string,
): Promise<{ n: number; sums: Record<string, number> }> {
  const { input: inputShape, output: outputShape } = network.shapes;
  const y = data.y ?? data.x;
  const n = checkPairs(data.x, data.y, inputShape, outputShape, what);
  if (n === 0) throw new OptionError(`${what}: holds no samples`);
  const inSize = data.x.length / n;
  const outSize = y.length / n;
  const sums: Record<string, number> = {};
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const count = end - start;
    const { names, values } = tf.tidy(() => {
      const xs = tf.tensor(data.x.subarray(start * inSize, end * inSize), [count, ...inputShape]);
      const ys = tf.tensor(y.subarray(start * outSize, end * outSize), [count, ...outputShape]);
      const terms = network.lossTerms(forwardContext(tf, false), xs, ys);
      const names = Object.keys(terms);
      return { names, values: tf.stack(names.map((k) => terms[k]!)) };
    });
    // Asynchronous: WebGPU in Node has no synchronous read.
    const numbers = await values.data();
    values.dispose();
    names.forEach((name, i) => {
      sums[name] = (sums[name] ?? 0) + numbers[i]! * count;
    });
  }
  return { n, sums };
}

/** Averages sums over `n` samples. */
export function averageSums(sums: Record<string, number>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) out[k] = v / n;
  return out;
}
