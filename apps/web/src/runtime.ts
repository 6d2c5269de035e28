import { createSession, type OnnxSession } from '@aekit/onnx-backend/browser';
import type { AnomalyEntry, ModelEntry } from './manifest.js';
import { type Progress, type Provider, preloadRuntime } from './ort-preload.js';

/** The ONNX Runtime execution providers the demo uses. */
export type { Provider };

/** One bundled model's encoder and decoder sessions on one execution provider. */
export interface ModelRunner {
  readonly entry: ModelEntry;
  readonly provider: Provider;
  /** [n, h, w, c] -> [n, ...latentShape] (the mean for a VAE). */
  encode(x: Float32Array): Promise<Float32Array>;
  /** [n, ...latentShape] -> [n, h, w, c]. */
  decode(z: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
}

/** Why WebGPU cannot run here, or undefined when an adapter is available. */
export async function webgpuUnavailableReason(): Promise<string | undefined> {
  const gpu = (navigator as GpuNavigator).gpu;
  if (!gpu) return 'this browser has no navigator.gpu';
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? undefined : 'the browser offers no WebGPU adapter (no GPU, or WebGPU disabled)';
  } catch (error) {
    return `asking for a WebGPU adapter failed: ${String(error)}`;
  }
}

const bytesCache = new Map<string, Promise<Uint8Array>>();

/** Fetches a model file once; sessions on other providers reuse the bytes. */
function fetchBytes(url: string): Promise<Uint8Array> {
  let pending = bytesCache.get(url);
  if (!pending) {
    pending = fetch(url).then(async (response) => {
      if (!response.ok)
        throw new Error(`GET ${url}: HTTP ${response.status}; run \`pnpm --filter @aekit/web models\``);
      return new Uint8Array(await response.arrayBuffer());
    });
    pending.catch(() => bytesCache.delete(url));
    bytesCache.set(url, pending);
  }
  return pending;
}

/**
 * Loads a model's encoder and decoder on the given provider with @aekit/onnx-backend's browser entry, after
 * that provider's ONNX Runtime wasm (downloaded once, with progress).
 */
export async function loadModel(
  entry: ModelEntry,
  baseUrl: string,
  provider: Provider,
  onProgress: Progress = () => {},
): Promise<ModelRunner> {
  const [encoderBytes, decoderBytes] = await Promise.all([
    preloadRuntime(provider, onProgress).then(() => fetchBytes(`${baseUrl}${entry.encoder}`)),
    fetchBytes(`${baseUrl}${entry.decoder}`),
  ]);
  const sessions: OnnxSession[] = [];
  try {
    // ORT may keep a reference to the buffer it was given: hand each session its own copy.
    sessions.push(
      await createSession(encoderBytes.slice(), { device: provider, inputShape: entry.inputShape }),
    );
    sessions.push(await createSession(decoderBytes.slice(), { device: provider }));
  } catch (error) {
    await Promise.all(sessions.map((s) => s.dispose()));
    throw error;
  }
  const [encoder, decoder] = sessions as [OnnxSession, OnnxSession];
  return {
    entry,
    provider,
    encode: (x) => encoder.encode(x),
    decode: (z) => decoder.decode(z),
    async release() {
      await Promise.all([encoder.dispose(), decoder.dispose()]);
    },
  };
}

/** Where a model runs: a short badge for the header and the full reason for the diagnostics section. */
export interface LoadedRunner {
  runner: ModelRunner;
  badge: string;
  detail: string;
}

/** Tries WebGPU first (unless told otherwise) and falls back to WASM, saying why. */
export async function loadWithFallback(
  entry: ModelEntry,
  baseUrl: string,
  prefer: 'auto' | Provider = 'auto',
  onProgress: Progress = () => {},
): Promise<LoadedRunner> {
  const wasm = async (detail: string): Promise<LoadedRunner> => ({
    runner: await loadModel(entry, baseUrl, 'wasm', onProgress),
    badge: 'WASM',
    detail,
  });
  if (prefer === 'wasm') return wasm('WebAssembly on the CPU (chosen with ?device=wasm)');
  const reason = await webgpuUnavailableReason();
  if (reason) return wasm(`WebAssembly on the CPU: WebGPU is not available here (${reason})`);
  try {
    const runner = await loadModel(entry, baseUrl, 'webgpu', onProgress);
    return { runner, badge: 'WebGPU', detail: 'WebGPU on the GPU' };
  } catch (error) {
    return wasm(
      `WebAssembly on the CPU: the WebGPU session failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * The anomaly view's detector graph (raw input -> feature_errors, score, is_anomaly) on ONNX Runtime Web's
 * WASM provider, so that its scores can be compared with onnxruntime-node's.
 */
export async function loadDetectorSession(
  entry: AnomalyEntry,
  baseUrl: string,
  onProgress: Progress = () => {},
): Promise<OnnxSession> {
  await preloadRuntime('wasm', onProgress);
  const bytes = await fetchBytes(`${baseUrl}${entry.detector}`);
  return createSession(bytes.slice(), { device: 'wasm' });
}
