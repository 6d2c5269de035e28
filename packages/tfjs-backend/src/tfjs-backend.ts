import { type Device, type ModelSpec, OptionError, type TrainingBackend, validateSpec } from '@aekit/core';
import { describeDevice, type LoadedDevice, selectDevice } from './device/devices.js';
import { registerTrainingKernels } from './kernels/index.js';
import type { Tf } from './tf.js';
import { TfjsModel } from './tfjs-model.js';

export interface TfjsBackendOptions {
  /**
   * Where to train (core's device words); default: AEKIT_DEVICE, else 'auto' (cuda > webgpu on a hardware
   * adapter > cpu > wasm > js).
   */
  device?: Device;
  /**
   * Threads of the wasm device (XNNPACK's pool, at most 8); default: AEKIT_WASM_THREADS, else the available
   * cores. Set once per process, by the first backend that loads wasm. The other devices ignore it.
   */
  threads?: number;
}

/** The tfjs training backend: picks a device on init, compiles specs to TfjsModel. */
export interface TfjsBackend extends TrainingBackend {
  /** The device it runs on, after init. */
  readonly loaded: LoadedDevice | undefined;
  /** The tfjs namespace in use (after init): use its ops to stay on the same tfjs-core instance. */
  tf(): Tf;
  createModel(spec: ModelSpec, options?: { seed?: number }): Promise<TfjsModel>;
}

export function createTfjsBackend(options: TfjsBackendOptions = {}): TfjsBackend {
  let loaded: LoadedDevice | undefined;
  let initialising: Promise<void> | undefined;
  const backend: TfjsBackend = {
    get loaded() {
      return loaded;
    },
    init() {
      initialising ??= (async () => {
        const device = await selectDevice(options.device === 'auto' ? undefined : options.device, {
          wasmThreads: options.threads,
        });
        if (['wasm', 'cpu', 'webgpu'].includes(device.backendName))
          registerTrainingKernels(device.backendName);
        loaded = device;
      })();
      initialising.catch(() => {
        initialising = undefined;
      });
      return initialising;
    },
    describe() {
      return loaded ? describeDevice(loaded) : 'not initialised (call init())';
    },
    tf() {
      if (!loaded) throw new OptionError('tfjs backend: call `await backend.init()` before tf()');
      return loaded.tf;
    },
    async createModel(spec, modelOptions = {}) {
      await backend.init();
      const device = loaded!;
      const valid = validateSpec(spec);
      if (device.tf.getBackend() !== device.backendName) await device.tf.setBackend(device.backendName);
      return new TfjsModel(device.tf, device.backendName, device.device, valid, modelOptions.seed ?? 0);
    },
  };
  return backend;
}
