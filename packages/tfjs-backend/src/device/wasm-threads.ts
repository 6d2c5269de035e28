import type { Worker } from 'node:worker_threads';
import { OptionError } from '@aekit/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../tf.js';

/*
 * Multi-threaded wasm in Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD build (XNNPACK on a pool of Emscripten pthread workers) but starts
 * it only in browsers: in Node its WASM_HAS_MULTITHREAD_SUPPORT flag is false, and its init hands Emscripten
 * blob: URLs for the worker script and for the main script the workers load, which Node's worker_threads
 * refuse (ERR_WORKER_PATH) and the worker's importScripts (fs.readFileSync) cannot read. So in Node aekit starts
 * that build itself, through the build's own Emscripten factory and Module hooks, on real files:
 *  - the main script the workers load is the factory's file itself (`mainScriptUrlOrBlob`, a path);
 *  - the worker script, which the package ships only as a string (`wasmWorkerContents`), is written to a private
 *    temporary directory (`locateFile`) and removed once the build's workers have loaded it (it starts all
 *    8 up front and aekit never asks for more threads than that);
 *  - `instantiateWasm` instantiates the binary with one import answered differently: the C++ side caps its
 *    thread pool at `emscripten_num_logical_cores() / 2` (it assumes two hyperthreads per core), 1 thread on a
 *    2-core machine, so it is told twice the thread count asked for and uses that count.
 * The module then replaces the stock factory of the (not yet initialised) 'wasm' backend, wrapped in tfjs' own
 * BackendWasm as the stock init does. Nothing global and nothing in node_modules is patched. Once the backend
 * has started its pool, the workers running it are unref'd, so they never keep Node alive, and the build's
 * workers left idle are terminated.
 */

/** The most threads the wasm device uses: the threaded build starts 8 workers and caps its pool at 8. */
export const WASM_MAX_THREADS = 8;

const BUILD = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
/** tfjs-backend-wasm's own priority for the 'wasm' backend. */
const WASM_PRIORITY = 2;
const START_TIMEOUT_MS = 60_000;

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];
/** The Emscripten module of the threaded build, as far as this file uses it. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: WasmModule['tfjs'];
  PThread: { runningWorkers: Worker[]; unusedWorkers: Worker[]; terminateAllThreads(): void };
}
type Imports = WebAssembly.Imports & { env: WebAssembly.ModuleImports };
interface FactoryConfig {
  mainScriptUrlOrBlob: string;
  locateFile(path: string, prefix: string): string;
  instantiateWasm(
    imports: Imports,
    receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
}

const isNode = () => typeof process !== 'undefined' && process.versions?.node !== undefined;

function checkThreads(value: number, what: string, raw: unknown = value): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new OptionError(
      `${what} must be a positive integer (the wasm device's threads), got ${String(raw)}`,
      {
        details: { expected: 'integer >= 1', actual: raw },
      },
    );
  }
  return value;
}

/** Checks the `threads` option; throws OptionError unless it is a positive integer. */
export function parseWasmThreads(value: number): number {
  return checkThreads(value, 'threads');
}

/** The thread count when no option sets it: `AEKIT_WASM_THREADS`, else the cores available to this process. */
export async function defaultWasmThreads(): Promise<number> {
  const env = isNode() ? process.env.AEKIT_WASM_THREADS : undefined;
  if (env) return checkThreads(Number(env), 'AEKIT_WASM_THREADS', `"${env}"`);
  if (isNode()) return (await import('node:os')).availableParallelism();
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

/**
 * Before the 'wasm' backend initialises: sets its thread count and, in Node with more than one thread, has it
 * start the threaded build. Resolves to why threads cannot start here (the stock single-threaded SIMD build then
 * initialises), else undefined. In browsers tfjs picks its threaded build itself where the page is cross-origin
 * isolated.
 */
export async function configureWasmThreads(tf: Tf, threads: number): Promise<string | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setThreadsCount(threads);
  if (threads === 1 || !isNode()) return undefined;
  if (tf.findBackend('wasm') !== null) return "the wasm backend was initialised before aekit's init";
  let module: ThreadedModule;
  try {
    module = await startThreadedBuild(tf, Math.min(threads, WASM_MAX_THREADS));
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
  }
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new wasm.BackendWasm(module as unknown as WasmModule);
      // The pool's threads now run, on workers that must not keep Node alive; the build's other workers
      // would only hold memory (a V8 isolate each) as nothing else starts threads.
      for (const worker of module.PThread.runningWorkers) worker.unref();
      for (const worker of module.PThread.unusedWorkers.splice(0)) void worker.terminate();
      return backend;
    },
    WASM_PRIORITY,
  );
  return undefined;
}

/**
 * After init: how many threads the wasm backend computes with, whether it runs a SIMD build, and whether
 * aekit's kernels load their relaxed-SIMD build (which loads them).
 */
export async function wasmCompute(tf: Tf): Promise<{ threads: number; simd: boolean; relaxedSimd: boolean }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const { nativeKernels, nativeKernelsRelaxed } = await import('../kernels/wasm/native.js');
  const backend = tf.backend() as unknown as BackendWasm;
  const relaxedSimd = nativeKernels(backend) !== null && nativeKernelsRelaxed(backend) === true;
  return { threads: wasm.getThreadsCount(), simd, relaxedSimd };
}

/**
 * After init, with the threaded build: has aekit's SIMD kernels (matmul, Adam) share their work with
 * `threads - 1` worker threads on the backend's shared memory (kernels/wasm/native-threads.ts), in Node. Off
 * with AEKIT_KERNEL_THREADS=0. Resolves to why they stay on one thread, else undefined.
 */
export async function startKernelThreads(tf: Tf, threads: number): Promise<string | undefined> {
  // In browsers the kernels stay on the calling thread (the worker threads are Node's).
  if (!isNode() || process.env.AEKIT_KERNEL_THREADS === '0') return undefined;
  const { startNativeKernelThreads } = await import('../kernels/wasm/native.js');
  return startNativeKernelThreads(tf.backend() as unknown as BackendWasm, threads);
}

/** Instantiates the threaded build with `threads` threads (see the top of this file); rejects with why not. */
async function startThreadedBuild(tf: Tf, threads: number): Promise<ThreadedModule> {
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available');
  if ((await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) !== true) {
    throw new Error('WebAssembly SIMD is not supported (the threaded build needs it)');
  }
  const [{ createRequire }, { mkdtemp, readFile, rm, writeFile }, { tmpdir }, { join }] = await Promise.all([
    import('node:module'),
    import('node:fs/promises'),
    import('node:os'),
    import('node:path'),
  ]);
  const require = createRequire(import.meta.url);
  const script = require.resolve(`${BUILD}.js`);
  const factory = require(script) as (config: FactoryConfig) => Promise<ThreadedModule>;
  const { wasmWorkerContents } = require(`${BUILD}.worker.js`) as { wasmWorkerContents: string };
  const binary = await readFile(script.replace(/\.js$/, '.wasm'));
  const dir = await mkdtemp(join(tmpdir(), 'aekit-wasm-'));
  const workerScript = join(dir, 'pthread-worker.cjs');

  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const timer = setTimeout(
    () => fail(new Error(`its workers did not start within ${START_TIMEOUT_MS / 1000} s`)),
    START_TIMEOUT_MS,
  );
  timer.unref();
  const config: FactoryConfig & { PThread?: ThreadedModule['PThread'] } = {
    mainScriptUrlOrBlob: script,
    locateFile: (path, prefix) => (path.endsWith('.worker.js') ? workerScript : prefix + path),
    instantiateWasm(imports, receive) {
      if (typeof imports.env.emscripten_num_logical_cores !== 'function') {
        fail(new Error('unexpected tfjs-backend-wasm build: it imports no emscripten_num_logical_cores'));
      } else {
        const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
        WebAssembly.instantiate(binary, { ...imports, env })
          .then(({ instance, module }) => receive(instance, module))
          .catch(fail);
      }
      return {};
    },
  };
  try {
    // The package keeps the worker in a template literal, whose "\n" escapes became newlines: escape them
    // back, as tfjs does before making its blob.
    await writeFile(workerScript, wasmWorkerContents.replace(/\n/g, '\\n'));
    const module = await Promise.race([factory(config), failed]);
    // tfjs' bridge to the C++ backend, as its own init sets it up.
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } catch (error) {
    config.PThread?.terminateAllThreads();
    throw error;
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
}
