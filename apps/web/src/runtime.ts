import { createSession, type OnnxSession } from '@aekit/onnx-backend/browser';
import type { ModelEntry } from './manifest.js';

/** The ONNX Runtime execution providers the demo uses. */
export type Provider = 'webgpu' | 'wasm';

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
    return adapter ? undefined : 'navigator.gpu.requestAdapter() returned no adapter';
  } catch (error) {
    return `requestAdapter failed: ${String(error)}`;
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

/** Loads a model's encoder and decoder on the given provider with @aekit/onnx-backend's browser entry. */
export async function loadModel(
  entry: ModelEntry,
  baseUrl: string,
  provider: Provider,
): Promise<ModelRunner> {
  const [encoderBytes, decoderBytes] = await Promise.all([
    fetchBytes(`${baseUrl}${entry.encoder}`),
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

/** Tries WebGPU first (unless told otherwise) and falls back to WASM, saying why. */
export async function loadWithFallback(
  entry: ModelEntry,
  baseUrl: string,
  prefer: 'auto' | Provider = 'auto',
): Promise<{ runner: ModelRunner; note: string }> {
  if (prefer === 'wasm') return { runner: await loadModel(entry, baseUrl, 'wasm'), note: 'WASM (chosen)' };
  const reason = await webgpuUnavailableReason();
  if (!reason) {
    try {
      return { runner: await loadModel(entry, baseUrl, 'webgpu'), note: 'WebGPU' };
    } catch (error) {
      const runner = await loadModel(entry, baseUrl, 'wasm');
      return {
        runner,
        note: `WASM (WebGPU session failed: ${error instanceof Error ? error.message : String(error)})`,
      };
    }
  }
  return { runner: await loadModel(entry, baseUrl, 'wasm'), note: `WASM (no WebGPU: ${reason})` };
}
