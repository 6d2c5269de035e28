import { BackendUnavailableError } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/*
 * aekit's SIMD kernels on several threads (Node, the threaded wasm build).
 *
 * tfjs's threaded build keeps its heap in a shared WebAssembly.Memory; XNNPACK's thread pool runs only its own
 * operators, so aekit's kernels (the products of every dense layer and their gradients, Adam) would stay on the
 * calling thread. Here each extra thread is a worker_threads Worker with its own instance of aekit's SIMD module
 * on that same memory. A kernel with a `_tasks` export cuts its work into tasks that every thread takes from
 * one counter in the memory (an atomic add), so a worker that is late (asleep, or descheduled by another
 * process) costs nothing: the calling thread takes the tasks that are left.
 *
 * One job at a time, published through a small SharedArrayBuffer: the caller writes the export and each
 * thread's arguments, opens the job and bumps the generation word; a worker that sees a new generation counts
 * itself in (JOINED), runs the export if the job is still open, and counts itself out. The caller runs the
 * export too, closes the job once it returns (every task taken) and waits until JOINED is 0 (every task
 * done): with sequentially consistent atomics, a worker that counts itself in after that sees the job closed.
 * Workers spin a little after each job (the next kernel of a training step usually follows within
 * microseconds), then sleep in Atomics.wait; they are unref'd, so they never keep Node alive.
 */

/** The exports a job can run: each takes the task counter's address among its arguments. */
export const TASK_EXPORTS = [
  'matmul_tasks',
  'adam_update_tasks',
  'sigmoid_cross_entropy_sum_tasks',
  'sigmoid_cross_entropy_grad_tasks',
  'conv2d_transpose_tasks',
  'conv2d_backprop_filter_tasks',
  'conv2d_few_outputs_tasks',
  'max_pool_grad_tasks',
  'relu_grad_tasks',
  'sum_rows_tasks',
] as const;
export type TaskExport = (typeof TASK_EXPORTS)[number];

const GEN = 0;
const OPEN = 1;
const JOINED = 2;
const READY = 3;
const FN = 4;
const ARGC = 5;
const STOP = 6;
/** Set by a worker whose call threw (a trap): the job's caller then throws. */
const FAILED = 7;
const CONTROL_INTS = 16;
const MAX_ARGS = 32;
/** How long a worker spins for the next job before it sleeps. */
const SPIN_MS = 0.5;
/** Spins of the calling thread waiting for the workers' last tasks before it sleeps (yielding its core). */
const JOIN_SPINS = 20_000;
const START_TIMEOUT_MS = 10_000;

export interface KernelThreads {
  /** Threads that compute a job, the calling one included. */
  readonly count: number;
  /** Address of the task counter (one int32 in the backend's memory) that the jobs' exports take. */
  readonly counter: number;
  /**
   * Runs `name` on every thread, thread t with `argsFor(t)` (t = 0: the calling thread); returns when all its
   * tasks are done. The counter is reset before the job starts.
   */
  run(name: TaskExport, argsFor: (thread: number) => number[]): void;
  /** Ends the workers. */
  stop(): Promise<void>;
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, names, spinMs } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((name) => exports[name]);
const ctl = new Int32Array(control, 0, ${CONTROL_INTS});
const args = new Float64Array(control, ${CONTROL_INTS * 4} + index * ${MAX_ARGS * 8}, ${MAX_ARGS});
Atomics.add(ctl, ${READY}, 1);
let seen = Atomics.load(ctl, ${GEN});
for (;;) {
  let spins = 0;
  let since = performance.now();
  while (Atomics.load(ctl, ${GEN}) === seen) {
    if (++spins % 1024 === 0 && performance.now() - since > spinMs) {
      Atomics.wait(ctl, ${GEN}, seen);
      since = performance.now();
    }
  }
  seen = Atomics.load(ctl, ${GEN});
  if (Atomics.load(ctl, ${STOP}) === 1) break;
  Atomics.add(ctl, ${JOINED}, 1);
  try {
    if (Atomics.load(ctl, ${OPEN}) === 1) {
      const a = Array.from(args.subarray(0, Atomics.load(ctl, ${ARGC})));
      fns[Atomics.load(ctl, ${FN})](...a);
    }
  } catch {
    Atomics.store(ctl, ${FAILED}, 1);
  } finally {
    if (Atomics.sub(ctl, ${JOINED}, 1) === 1) Atomics.notify(ctl, ${JOINED});
  }
}
`;

interface ThreadsSource {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: WebAssembly.Exports;
}

const byBackend = new WeakMap<BackendWasm, KernelThreads>();
let enabled = true;

/** The threads started for this backend's kernels, if any and not paused. @internal */
export function kernelThreads(backend: BackendWasm): KernelThreads | undefined {
  return enabled ? byBackend.get(backend) : undefined;
}

/** Products smaller than this many multiply-adds (about 10 us) stay on one thread. */
const PARALLEL_MACS = 1 << 18;

/** The kernel threads for a job of `macs` multiply-adds: none (the calling thread alone) below PARALLEL_MACS. @internal */
export function kernelThreadsFor(backend: BackendWasm, macs: number): KernelThreads | undefined {
  return macs >= PARALLEL_MACS ? kernelThreads(backend) : undefined;
}

/** Element-wise jobs on fewer values than this (memory-bound, about 10 us) stay on one thread. */
const PARALLEL_VALUES = 1 << 15;
/** Values per task of an element-wise job (a multiple of 256, the blocks of the cross-entropy sums). */
export const TASK_VALUES = 1 << 13;

/** The kernel threads for an element-wise job on `n` values: none below PARALLEL_VALUES. @internal */
export function kernelThreadsForValues(backend: BackendWasm, n: number): KernelThreads | undefined {
  return n >= PARALLEL_VALUES ? kernelThreads(backend) : undefined;
}

/** Tasks per thread when a kernel cuts a batch into chunks of images: enough that a late thread leaves the rest to the others. */
const IMAGE_TASKS_PER_THREAD = 4;

/** Images per task for a batch cut into chunks of images on these threads. @internal */
export function imagesPerTask(batch: number, threads: Pick<KernelThreads, 'count'>): number {
  return Math.max(1, Math.ceil(batch / (IMAGE_TASKS_PER_THREAD * threads.count)));
}

/** Pauses (false) or resumes the kernel threads: while paused, every kernel runs on the calling thread. @internal */
export function setKernelThreadsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Starts `threads - 1` workers that share this backend's kernels (the calling thread is the other one).
 * Resolves to why not when they cannot run here (no shared memory, not Node, a worker that failed to start).
 * @internal
 */
export async function startKernelThreads(
  backend: BackendWasm,
  source: ThreadsSource,
  threads: number,
): Promise<string | undefined> {
  if (byBackend.has(backend) || threads < 2) return undefined;
  if (!(typeof SharedArrayBuffer !== 'undefined' && source.memory.buffer instanceof SharedArrayBuffer)) {
    return "the wasm backend's memory is not shared (its single-threaded build)";
  }
  if (!(typeof process !== 'undefined' && process.versions?.node !== undefined)) {
    return 'kernel threads run in Node only';
  }
  // Through a variable, so that browser bundles leave Node's module alone.
  const workerThreads = 'node:worker_threads';
  const { Worker } = (await import(/* @vite-ignore */ workerThreads)) as typeof import('node:worker_threads');
  const control = new SharedArrayBuffer(CONTROL_INTS * 4 + threads * MAX_ARGS * 8);
  const ctl = new Int32Array(control, 0, CONTROL_INTS);
  const workers = Array.from(
    { length: threads - 1 },
    (_, i) =>
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: source.module,
          memory: source.memory,
          control,
          index: i + 1,
          names: TASK_EXPORTS,
          spinMs: SPIN_MS,
        },
      }),
  );
  let failure: string | undefined;
  for (const w of workers) {
    w.unref();
    w.on('error', (error) => {
      failure ??= error instanceof Error ? error.message : String(error);
    });
  }
  const started = performance.now();
  while (Atomics.load(ctl, READY) < workers.length && failure === undefined) {
    if (performance.now() - started > START_TIMEOUT_MS) failure = `not started within ${START_TIMEOUT_MS} ms`;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (failure !== undefined) {
    await Promise.all(workers.map((w) => w.terminate()));
    return `a kernel thread failed: ${failure}`;
  }
  const module = backend.wasm as unknown as { _malloc(bytes: number): number };
  const counter = module._malloc(64);
  const fns = TASK_EXPORTS.map((name) => source.exports[name] as (...args: number[]) => void);
  const argViews = Array.from(
    { length: threads },
    (_, t) => new Float64Array(control, CONTROL_INTS * 4 + t * MAX_ARGS * 8, MAX_ARGS),
  );
  const pool: KernelThreads = {
    count: threads,
    counter,
    run(name, argsFor) {
      const fn = TASK_EXPORTS.indexOf(name);
      const own = argsFor(0);
      for (let t = 1; t < threads; t++) argViews[t]!.set(argsFor(t));
      Atomics.store(new Int32Array(source.memory.buffer, counter, 1), 0, 0);
      Atomics.store(ctl, FN, fn);
      Atomics.store(ctl, ARGC, own.length);
      Atomics.store(ctl, OPEN, 1);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      try {
        fns[fn]!(...own);
      } finally {
        Atomics.store(ctl, OPEN, 0);
        for (let spins = 0; ; spins++) {
          const joined = Atomics.load(ctl, JOINED);
          if (joined === 0) break;
          if (spins > JOIN_SPINS) Atomics.wait(ctl, JOINED, joined, 1);
        }
      }
      if (Atomics.exchange(ctl, FAILED, 0) === 1) {
        throw new BackendUnavailableError(`aekit's kernel ${name} failed on a worker thread`);
      }
    },
    async stop() {
      byBackend.delete(backend);
      Atomics.store(ctl, STOP, 1);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
  byBackend.set(backend, pool);
  // The workers hold the backend's memory: they end with it.
  const dispose = backend.dispose.bind(backend);
  backend.dispose = () => {
    void pool.stop();
    dispose();
  };
  return undefined;
}
