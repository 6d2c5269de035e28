import { BackendUnavailableError, getLogger, infoOnce, OptionError } from '@aekit/core';
import type { Tf } from './tf.js';
import { configureWasmThreads, defaultWasmThreads, parseWasmThreads, wasmCompute } from './wasm-threads.js';

/** Where tfjs trains, as `device` option values (like transformers.js): the value says what each one is. */
export const DEVICES = Object.freeze({
  /** The first that loads of gpu, cpu, wasm, js. */
  auto: 'auto',
  /** Native TensorFlow with CUDA: `@tensorflow/tfjs-node-gpu`. */
  gpu: 'gpu',
  /** Native TensorFlow on the CPU: `@tensorflow/tfjs-node`. */
  cpu: 'cpu',
  /** WebAssembly (SIMD, threads where available): `@tensorflow/tfjs-backend-wasm`. */
  wasm: 'wasm',
  /** Plain JavaScript: `@tensorflow/tfjs-backend-cpu`. */
  js: 'js',
} as const);

export type Device = keyof typeof DEVICES;
export type ConcreteDevice = Exclude<Device, 'auto'>;

/** Order in which `auto` tries devices. */
export const AUTO_ORDER: readonly ConcreteDevice[] = ['gpu', 'cpu', 'wasm', 'js'];

/** A device that loaded: the tfjs namespace to compute with and the tfjs backend name to activate. */
export interface LoadedDevice {
  device: ConcreteDevice;
  tf: Tf;
  /** The tfjs backend name: 'tensorflow' (gpu, cpu), 'wasm' or 'cpu' (js). */
  backendName: string;
  /** Why this device: "requested", "AEKIT_DEVICE=wasm", "auto: [gpu] ... not installed". */
  reason: string;
  /** wasm: the threads it computes with (see wasm-threads.ts). */
  threads?: number;
  /** wasm: whether it runs a SIMD build. */
  simd?: boolean;
}

/** What a device computes with, then why it was picked: "wasm (2 threads, SIMD; requested)". */
export function describeDevice(loaded: Omit<LoadedDevice, 'tf' | 'backendName'>): string {
  const compute =
    loaded.threads === undefined
      ? ''
      : `${loaded.threads} thread${loaded.threads === 1 ? '' : 's'}, ${loaded.simd ? 'SIMD' : 'no SIMD'}; `;
  return `${loaded.device} (${compute}${loaded.reason})`;
}

const PACKAGES: Record<ConcreteDevice, string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  cpu: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  js: '@tensorflow/tfjs-backend-cpu',
};

/** Checks a device name (from an option or AEKIT_DEVICE); throws OptionError listing the valid ones. */
export function parseDevice(value: string, what = 'device'): Device {
  if (Object.hasOwn(DEVICES, value)) return value as Device;
  throw new OptionError(`Unknown ${what} "${value}". Should be one of: ${Object.keys(DEVICES).join(', ')}`, {
    details: { expected: Object.keys(DEVICES), actual: value },
  });
}

function isNotInstalled(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  const message = String(e?.message ?? '');
  if (!message.includes(pkg)) return false;
  return (
    e?.code === 'ERR_MODULE_NOT_FOUND' ||
    e?.code === 'MODULE_NOT_FOUND' ||
    /Cannot find (package|module)|Could not resolve|Failed to (load|resolve)/i.test(message)
  );
}

// Module specifiers held in variables so bundlers and TypeScript do not require the optional peers.
async function importOptional(pkg: string): Promise<unknown> {
  return import(/* @vite-ignore */ pkg);
}

const GRADIENTS = '@tensorflow/tfjs-core/dist/register_all_gradients.js';

/**
 * tfjs-core ships its gradient registrations only as ESM files that import siblings without extensions:
 * bundlers, vitest and tsx load them, plain Node's ESM loader does not. There, register a resolve hook
 * scoped to relative imports inside @tensorflow packages (tfjs-esm-hook.ts) and load them again.
 */
async function loadGradients(): Promise<void> {
  try {
    await import(/* @vite-ignore */ GRADIENTS);
  } catch (error) {
    const nodeModule =
      typeof process !== 'undefined' && process.versions?.node ? await import('node:module') : undefined;
    if (!nodeModule?.register) throw error;
    nodeModule.register('./tfjs-esm-hook.js', import.meta.url);
    // A new URL (query) so Node does not reuse the failed resolution.
    await import(/* @vite-ignore */ `${import.meta.resolve(GRADIENTS)}?hooked`);
  }
}

async function loadCore(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  await loadGradients();
  return tf;
}

async function tryLoad(device: ConcreteDevice): Promise<{ tf: Tf; backendName: string }> {
  const pkg = PACKAGES[device];
  try {
    if (device === 'gpu' || device === 'cpu') {
      const mod = (await importOptional(pkg)) as Tf & { default?: Tf };
      const tf = (typeof mod.setBackend === 'function' ? mod : mod.default) as Tf;
      if (!tf || tf.findBackendFactory('tensorflow') === null) {
        throw new Error(`${pkg} loaded but registered no "tensorflow" backend`);
      }
      return { tf, backendName: 'tensorflow' };
    }
    const tf = await loadCore();
    if (device === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    else await import('@tensorflow/tfjs-backend-cpu');
    return { tf, backendName: device === 'wasm' ? 'wasm' : 'cpu' };
  } catch (error) {
    if (isNotInstalled(error, pkg)) {
      throw new BackendUnavailableError(`[${device}] ${pkg} is not installed (pnpm add ${pkg})`, {
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(`[${device}] ${pkg} failed to load: ${message.split('\n')[0]}`, {
      cause: error,
    });
  }
}

type Loaded = Pick<LoadedDevice, 'tf' | 'backendName' | 'threads' | 'simd'>;
const loading = new Map<ConcreteDevice, Promise<Loaded>>();
/** The thread count the wasm device was first asked for: it is set once per process. */
let wasmThreadsAsked: number | undefined;

/**
 * Imports a device's package once (cached) and initialises its tfjs backend; rejects with why not. The wasm
 * device computes with `wasmThreads` threads (default: AEKIT_WASM_THREADS, else the available cores), falling
 * back to one thread, with a warning saying why, where threads cannot start.
 */
export async function loadDevice(device: ConcreteDevice, wasmThreads?: number): Promise<Loaded> {
  let promise = loading.get(device);
  if (!promise) {
    promise = (async () => {
      const loaded: Loaded = await tryLoad(device);
      const threads = device === 'wasm' ? (wasmThreads ?? (await defaultWasmThreads())) : undefined;
      if (threads !== undefined) {
        const whyNot = await configureWasmThreads(loaded.tf, threads);
        if (whyNot !== undefined) {
          getLogger().warn(`wasm: ${threads} threads cannot start here (${whyNot}); computing on one thread`);
        }
      }
      const ok = await loaded.tf.setBackend(loaded.backendName);
      if (!ok) {
        throw new BackendUnavailableError(
          `[${device}] the tfjs backend "${loaded.backendName}" of ${PACKAGES[device]} failed to initialise`,
        );
      }
      await loaded.tf.ready();
      if (device === 'js') {
        // tfjs-backend-cpu prints an "install tfjs-node" banner on first use; our device log says it once.
        (loaded.tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      }
      if (threads === undefined) return loaded;
      wasmThreadsAsked = threads;
      return { ...loaded, ...(await wasmCompute(loaded.tf)) };
    })();
    loading.set(device, promise);
    promise.catch(() => loading.delete(device));
  }
  return promise;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Picks and loads a device: the option, else `AEKIT_DEVICE`, else 'auto' (gpu > cpu > wasm > js, the first
 * that loads). An explicit device that cannot load throws BackendUnavailableError listing every device with
 * why it is or is not available. The pick, what it computes with and why it was picked are logged once.
 * `options.wasmThreads` sets the wasm device's threads (see loadDevice); it is fixed by the first load in a
 * process, so asking for another count afterwards throws OptionError.
 */
export async function selectDevice(
  requested?: Device,
  options: { wasmThreads?: number } = {},
): Promise<LoadedDevice> {
  const { wasmThreads } = options;
  if (wasmThreads !== undefined) parseWasmThreads(wasmThreads);
  const env = typeof process !== 'undefined' ? process.env?.AEKIT_DEVICE : undefined;
  const device: Device =
    requested !== undefined
      ? parseDevice(requested)
      : env
        ? parseDevice(env, 'device in AEKIT_DEVICE')
        : 'auto';
  const source = device === 'auto' ? 'auto' : requested !== undefined ? 'requested' : `AEKIT_DEVICE=${env}`;
  const failures: string[] = [];
  const candidates = device === 'auto' ? AUTO_ORDER : [device];
  if (
    wasmThreads !== undefined &&
    wasmThreadsAsked !== undefined &&
    wasmThreadsAsked !== wasmThreads &&
    candidates.includes('wasm')
  ) {
    throw new OptionError(
      `threads: the wasm device already runs in this process, started for ${wasmThreadsAsked} threads; its thread count is set once, when it first loads (asked now: ${wasmThreads})`,
      { details: { expected: wasmThreadsAsked, actual: wasmThreads } },
    );
  }
  for (const candidate of candidates) {
    try {
      const loaded = await loadDevice(candidate, wasmThreads);
      const reason = failures.length ? `${source}; skipped ${failures.join('; ')}` : source;
      const picked: LoadedDevice = { device: candidate, ...loaded, reason };
      const description = describeDevice(picked);
      infoOnce(`tfjs-device:${description}`, `tfjs device: ${description}`);
      return picked;
    } catch (error) {
      if (error instanceof OptionError) throw error;
      failures.push(reasonOf(error));
    }
  }
  if (device !== 'auto') {
    const others: string[] = [];
    for (const other of AUTO_ORDER) {
      if (other === device) continue;
      try {
        await tryLoad(other);
        others.push(`[${other}] available`);
      } catch (error) {
        others.push(reasonOf(error));
      }
    }
    throw new BackendUnavailableError(
      `tfjs device "${device}" is not available here:\n  ${[...failures, ...others].join('\n  ')}\nPick an available device (${Object.keys(DEVICES).join(', ')}) or install the missing package.`,
      { details: { device, failures: [...failures, ...others] } },
    );
  }
  throw new BackendUnavailableError(`No tfjs device could load:\n  ${failures.join('\n  ')}`, {
    details: { failures },
  });
}
