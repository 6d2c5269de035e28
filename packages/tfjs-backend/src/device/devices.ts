import {
  BackendRegistry,
  BackendUnavailableError,
  DEVICE_NAMES,
  type Device,
  GPU_DEVICES,
  getLogger,
  infoOnce,
  installCommand,
  OptionError,
  parseDevice,
} from '@aekit/core';
import type { Tf } from '../tf.js';
import { importOptional, isNotInstalled, loadTfjsCore } from './load-tfjs.js';
import { withoutAddedProcessListeners } from './process-listeners.js';
import {
  configureWasmThreads,
  defaultWasmThreads,
  parseWasmThreads,
  startKernelThreads,
  wasmCompute,
} from './wasm-threads.js';
import { describeAdapter, probeWebGpuAdapter, type WebGpuAdapter } from './webgpu-adapter.js';
import { importWebGpuFlavour } from './webgpu-device.js';

/** The project's device words (core's `DEVICES`) that tfjs trains on, each with the tfjs flavour behind it. */
export const TFJS_DEVICES = Object.freeze({
  /** Native TensorFlow with CUDA. */
  cuda: { package: '@tensorflow/tfjs-node-gpu', backendName: 'tensorflow', priority: 40 },
  /**
   * WebGPU (tfjs-backend-webgpu): the browser's, or in Node Dawn's through the `webgpu` package. `auto` and
   * `gpu` use it on a hardware adapter only; a software one (SwiftShader) only when asked for by name.
   */
  webgpu: { package: '@tensorflow/tfjs-backend-webgpu', backendName: 'webgpu', priority: 35 },
  /** Native TensorFlow on the CPU. */
  cpu: { package: '@tensorflow/tfjs-node', backendName: 'tensorflow', priority: 30 },
  /** WebAssembly (SIMD, threads where available) with aekit's training kernels. */
  wasm: { package: '@tensorflow/tfjs-backend-wasm', backendName: 'wasm', priority: 20 },
  /** Plain JavaScript with aekit's training kernels. */
  js: { package: '@tensorflow/tfjs-backend-cpu', backendName: 'cpu', priority: 10 },
} as const);

export type ConcreteTfjsDevice = keyof typeof TFJS_DEVICES;

/** A device that loaded: the tfjs namespace to compute with and the tfjs backend name to activate. */
export interface LoadedDevice {
  device: ConcreteTfjsDevice;
  tf: Tf;
  /** The tfjs backend name: 'tensorflow' (cuda, cpu), 'webgpu', 'wasm' or 'cpu' (js). */
  backendName: string;
  /** Why this device: "requested", "AEKIT_DEVICE=wasm", "auto; skipped [cuda] ... not installed". */
  reason: string;
  /** wasm: the threads it computes with (see wasm-threads.ts). */
  threads?: number;
  /** wasm: whether it runs a SIMD build. */
  simd?: boolean;
  /** wasm: whether aekit's kernels run their relaxed-SIMD build (fused multiply-adds; kernels/wasm/native.ts). */
  relaxedSimd?: boolean;
  /** webgpu: the adapter it computes on. */
  adapter?: WebGpuAdapter;
}

/**
 * What a device computes with, then why it was picked: "wasm (2 threads, SIMD; requested)", "wasm (2 threads,
 * relaxed SIMD; requested)" (aekit's kernels with fused multiply-adds),
 * "webgpu (google swiftshader, software adapter; requested)".
 */
export function describeDevice(loaded: Omit<LoadedDevice, 'tf' | 'backendName'>): string {
  const compute =
    loaded.adapter !== undefined
      ? `${describeAdapter(loaded.adapter)}; `
      : loaded.threads === undefined
        ? ''
        : `${loaded.threads} thread${loaded.threads === 1 ? '' : 's'}, ${simdName(loaded)}; `;
  return `${loaded.device} (${compute}${loaded.reason})`;
}

function simdName(loaded: Pick<LoadedDevice, 'simd' | 'relaxedSimd'>): string {
  return !loaded.simd ? 'no SIMD' : loaded.relaxedSimd ? 'relaxed SIMD' : 'SIMD';
}

type Loaded = Pick<LoadedDevice, 'tf' | 'backendName' | 'threads' | 'simd' | 'relaxedSimd' | 'adapter'>;

/** One registry entry per device: `init` imports its package once (the registry caches it) and starts tfjs. */
interface DeviceEntry {
  init(): Promise<void>;
  loaded?: Loaded;
}

/** The thread count the wasm device is (to be) started with: set once per process, by its first load. */
let wasmThreadsWanted: number | undefined;
let wasmThreadsStarted: number | undefined;

async function importFlavour(device: ConcreteTfjsDevice): Promise<Loaded> {
  const { package: pkg, backendName } = TFJS_DEVICES[device];
  // Its own messages: the missing package may be `webgpu` (Dawn) or there may be no adapter.
  if (device === 'webgpu') return { ...(await importWebGpuFlavour()), backendName };
  try {
    if (device === 'cuda' || device === 'cpu') {
      const mod = (await importOptional(pkg)) as Tf & { default?: Tf };
      const tf = (typeof mod.setBackend === 'function' ? mod : mod.default) as Tf;
      if (!tf || tf.findBackendFactory('tensorflow') === null) {
        throw new Error(`${pkg} loaded but registered no "tensorflow" backend`);
      }
      return { tf, backendName };
    }
    const tf = await loadTfjsCore();
    if (device === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    else await import('@tensorflow/tfjs-backend-cpu');
    return { tf, backendName };
  } catch (error) {
    if (isNotInstalled(error, pkg)) {
      throw new BackendUnavailableError(`${pkg} is not installed: ${installCommand(pkg)}`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(`${pkg} failed to load: ${message.split('\n')[0]}`, { cause: error });
  }
}

async function startDevice(device: ConcreteTfjsDevice): Promise<Loaded> {
  const loaded = await importFlavour(device);
  const threads = device === 'wasm' ? (wasmThreadsWanted ?? (await defaultWasmThreads())) : undefined;
  // The wasm builds' Emscripten glue adds process listeners as it starts that garble users' errors.
  const ok = await withoutAddedProcessListeners(async () => {
    if (threads !== undefined) {
      const whyNot = await configureWasmThreads(loaded.tf, threads);
      if (whyNot !== undefined) {
        getLogger().warn(`wasm: ${threads} threads cannot start here (${whyNot}); computing on one thread`);
      }
    }
    const set = await loaded.tf.setBackend(loaded.backendName);
    if (set) await loaded.tf.ready();
    return set;
  });
  if (!ok) {
    throw new BackendUnavailableError(
      `the tfjs backend "${loaded.backendName}" of ${TFJS_DEVICES[device].package} failed to initialise`,
    );
  }
  if (device === 'js') {
    // tfjs-backend-cpu prints an "install tfjs-node" banner on first use; our device log says it once.
    (loaded.tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  if (threads === undefined) return loaded;
  wasmThreadsStarted = threads;
  const compute = await wasmCompute(loaded.tf);
  if (compute.threads > 1) {
    const whyNot = await startKernelThreads(loaded.tf, compute.threads);
    if (whyNot !== undefined) {
      getLogger().warn(`wasm: aekit's kernels compute on one thread (${whyNot})`);
    }
  }
  return { ...loaded, ...compute };
}

/** The tfjs devices, resolved through core's registry: ordered candidates, one cached load each, reasons. */
const registry = new BackendRegistry<DeviceEntry>('tfjs device');
for (const [name, info] of Object.entries(TFJS_DEVICES) as [
  ConcreteTfjsDevice,
  (typeof TFJS_DEVICES)[ConcreteTfjsDevice],
][]) {
  const entry: DeviceEntry = {
    async init() {
      entry.loaded = await startDevice(name);
    },
  };
  registry.register(name, entry, info.priority);
}
/** The devices `auto` tries, best first (webgpu on a hardware adapter only). */
export function autoOrder(): string[] {
  return registry.names();
}

function candidatesOf(device: Device): string[] {
  if (device === 'auto') return autoOrder();
  if (device === 'gpu') return [...GPU_DEVICES];
  return [device];
}

/**
 * `auto` and `gpu` pass over a software WebGPU adapter (slower than wasm): the reason it is skipped, or
 * undefined when webgpu may be tried. A missing package or adapter is left to the device's own load.
 */
async function softwareWebGpuReason(): Promise<string | undefined> {
  const probed = await probeWebGpuAdapter().catch(() => undefined);
  if (probed === undefined || !probed.info.software) return undefined;
  return `the WebGPU adapter is a software one (${describeAdapter(probed.info)}), slower than the CPU devices: used only when asked for by name (device "webgpu")`;
}

/**
 * Picks and loads a device: the option, else `AEKIT_DEVICE`, else 'auto' (cuda > webgpu > cpu > wasm > js, the
 * first that loads; 'gpu' tries cuda, then webgpu; both pass over a software WebGPU adapter, which only an
 * explicit 'webgpu' uses). A choice that cannot load throws BackendUnavailableError listing
 * every device with why it is or is not available. The pick, what it computes with and why are logged once.
 * `options.wasmThreads` sets the wasm device's threads; it is fixed by the first load in a process, so asking
 * for another count afterwards throws OptionError.
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
  let hints = candidatesOf(device);
  const chosen = device === 'auto' || device === 'gpu';
  const softwareSkip = chosen ? await softwareWebGpuReason() : undefined;
  if (softwareSkip !== undefined) hints = hints.filter((name) => name !== 'webgpu');
  if (wasmThreads !== undefined && hints.includes('wasm')) {
    if (wasmThreadsStarted !== undefined && wasmThreadsStarted !== wasmThreads) {
      throw new OptionError(
        `threads: the wasm device already runs in this process, started for ${wasmThreadsStarted} threads; its thread count is set once, when it first loads (asked now: ${wasmThreads})`,
        { details: { expected: wasmThreadsStarted, actual: wasmThreads } },
      );
    }
    wasmThreadsWanted = wasmThreads;
  }
  // Failures and skips in the order of the candidates, the software adapter's if it came before the pick.
  const order = candidatesOf(device);
  const inOrder = (failures: string[], picked?: string) => {
    if (softwareSkip === undefined) return failures;
    if (picked !== undefined && order.indexOf(picked) < order.indexOf('webgpu')) return failures;
    const rank = (line: string) => order.findIndex((name) => line.startsWith(`[${name}]`));
    return [...failures, `[webgpu] ${softwareSkip}`].sort((a, b) => rank(a) - rank(b));
  };
  try {
    const resolved = await registry.resolve(hints, { log: false });
    const loaded = resolved.backend.loaded!;
    const skipped = inOrder(resolved.skipped, resolved.name);
    const reason = skipped.length ? `${source}; skipped ${skipped.join('; ')}` : source;
    const picked: LoadedDevice = { device: resolved.name as ConcreteTfjsDevice, ...loaded, reason };
    const description = describeDevice(picked);
    infoOnce(`tfjs-device:${description}`, `tfjs device: ${description}`);
    return picked;
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    const failures = inOrder(
      ((error.details as { failures?: string[] } | undefined)?.failures ?? []).slice(),
    );
    if (device === 'auto') {
      throw new BackendUnavailableError(`No tfjs device could load:\n  ${failures.join('\n  ')}`, {
        details: { failures },
      });
    }
    for (const other of autoOrder()) {
      if (order.includes(other)) continue;
      try {
        await importFlavour(other as ConcreteTfjsDevice);
        failures.push(`[${other}] available`);
      } catch (otherError) {
        failures.push(`[${other}] ${otherError instanceof Error ? otherError.message : String(otherError)}`);
      }
    }
    throw new BackendUnavailableError(
      `tfjs device "${device}" is not available here:\n  ${failures.join('\n  ')}\nPick an available device (${DEVICE_NAMES.join(', ')}) or install the missing package.`,
      { details: { device, failures } },
    );
  }
}
