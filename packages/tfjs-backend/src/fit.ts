import {
  createRng,
  type EpochMetrics,
  type FitOptions,
  type FitResult,
  getLogger,
  type NamedTensor,
  OptionError,
  type TrainData,
} from '@aekit/core';
import { checkPairs, gatherRows, yieldToEventLoop } from './batches.js';
import type { TfjsModel } from './tfjs-model.js';

export const DEFAULT_BATCH_SIZE = 32;
export const DEFAULT_LEARNING_RATE = 1e-3;

export interface TfjsFitResult extends FitResult {
  /** True when `signal` aborted the run (the partial epoch is not in `history`). */
  aborted: boolean;
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new OptionError(`fit: ${name} must be a positive integer, got ${String(value)}`, {
      details: { option: name, actual: value },
    });
  }
  return v;
}

/** The RNG of one epoch: derived from the fit seed and the global epoch, so resumed runs replay the same. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

function average(sums: Record<string, number>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) out[k] = v / n;
  return out;
}

/** The custom training loop behind TfjsModel.fit: Adam, seeded shuffling, validation, early stopping. */
export async function runFit(model: TfjsModel, data: TrainData, options: FitOptions): Promise<TfjsFitResult> {
  await model.activate();
  const epochs = positiveInt(options.epochs, 'epochs', 1);
  const batchSize = positiveInt(options.batchSize, 'batchSize', DEFAULT_BATCH_SIZE);
  const learningRate = options.learningRate ?? DEFAULT_LEARNING_RATE;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new OptionError(`fit: learningRate must be a positive number, got ${String(options.learningRate)}`);
  }
  const { spec } = model;
  if (spec.corruption && !options.corrupt) {
    throw new OptionError(
      `fit: spec "${spec.name}" has corruption ${JSON.stringify(spec.corruption)} but no corrupt function was given; pass fit(data, { corrupt }) (e.g. createCorruption(spec.corruption) from @aekit/datasets)`,
    );
  }
  const n = checkPairs(data.x, data.y, model.inputShape, model.outputShape, 'fit data');
  if (n === 0) throw new OptionError('fit: the training data holds no samples');
  if (options.validation) {
    checkPairs(
      options.validation.x,
      options.validation.y,
      model.inputShape,
      model.outputShape,
      'fit validation',
    );
  }
  const stopping = options.earlyStopping;
  if (stopping) positiveInt(stopping.patience, 'earlyStopping.patience', 1);
  const x = data.x;
  const y = data.y ?? data.x;
  const inSize = x.length / n;
  const outSize = y.length / n;
  const seed = options.seed ?? 0;
  const optimizer = model.ensureOptimizer(learningRate);
  const history: EpochMetrics[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = model.epoch;
  let bestWeights: NamedTensor[] | undefined;
  let wait = 0;
  let stoppedEarly = false;
  let aborted = false;
  const batches = Math.ceil(n / batchSize);

  for (let e = 0; e < epochs && !aborted; e++) {
    const epoch = model.epoch + 1;
    const rng = createRng(epochSeed(seed, epoch));
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (options.shuffle !== false) rng.shuffle(order);
    const sums: Record<string, number> = {};
    let seen = 0;
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      const xb = gatherRows(x, idx, inSize);
      const yb = options.corrupt || y !== x ? gatherRows(y, idx, outSize) : xb;
      if (options.corrupt) options.corrupt(xb, rng);
      const values = model.trainStep(xb, yb, idx.length, rng.int(2147483647), optimizer);
      for (const [k, v] of Object.entries(values)) sums[k] = (sums[k] ?? 0) + v * idx.length;
      seen += idx.length;
      await options.callbacks?.onBatchEnd?.({
        epoch,
        batch: b + 1,
        batches,
        loss: (sums.loss ?? 0) / seen,
        samplesSeen: seen,
      });
      await yieldToEventLoop();
    }
    if (aborted) break;
    const seconds = (performance.now() - started) / 1000;
    const { loss = 0, ...terms } = average(sums, seen);
    const metrics: EpochMetrics = {
      epoch,
      loss,
      terms,
      seconds,
      samplesPerSecond: seen / Math.max(seconds, 1e-9),
    };
    if (options.validation) {
      const val = await model.evaluateSums(options.validation, Math.max(batchSize, 256), 'fit validation');
      const valTerms = average(val.sums, val.n);
      metrics.valLoss = Object.values(valTerms).reduce((s, v) => s + v, 0);
      metrics.valTerms = valTerms;
    }
    model.epoch = epoch;
    history.push(metrics);
    await options.callbacks?.onEpochEnd?.(metrics);

    if (!Number.isFinite(metrics.loss)) {
      getLogger().warn(
        `fit: the training loss of epoch ${epoch} is ${metrics.loss}; stopping. Lower the learning rate (now ${learningRate}) or check the data for NaN values.`,
      );
      stoppedEarly = true;
      break;
    }
    const monitored = metrics.valLoss ?? metrics.loss;
    if (monitored < best - (stopping?.minDelta ?? 0)) {
      best = monitored;
      bestEpoch = epoch;
      wait = 0;
      if (stopping?.restoreBest) bestWeights = model.getWeights();
    } else if (stopping) {
      wait++;
      if (wait >= stopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
  }
  if (stopping?.restoreBest && bestWeights && bestEpoch !== model.epoch) model.setWeights(bestWeights);
  return { history, stoppedEarly, bestEpoch, step: model.step, aborted };
}
