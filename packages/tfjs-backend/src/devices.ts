import { BackendUnavailableError, infoOnce, OptionError } from '@aekit/core';
import type { Tf } from './tf.js';

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

const loading = new Map<ConcreteDevice, Promise<{ tf: Tf; backendName: string }>>();

/** Imports a device's package once (cached) and initialises its tfjs backend; rejects with why not. */
export async function loadDevice(device: ConcreteDevice): Promise<{ tf: Tf; backendName: string }> {
  let promise = loading.get(device);
  if (!promise) {
    promise = (async () => {
      const loaded = await tryLoad(device);
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
      return loaded;
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
 * why it is or is not available. The pick and its reason are logged once.
 */
export async function selectDevice(requested?: Device): Promise<LoadedDevice> {
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
  for (const candidate of candidates) {
    try {
      const loaded = await loadDevice(candidate);
      const reason = failures.length ? `${source}; skipped ${failures.join('; ')}` : source;
      infoOnce(`tfjs-device:${candidate}:${reason}`, `tfjs device: ${candidate} (${reason})`);
      return { device: candidate, ...loaded, reason };
    } catch (error) {
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
