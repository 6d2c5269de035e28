/**
 * Downloads ONNX Runtime's WebAssembly binary for one execution provider with progress, and hands the bytes
 * to that runtime (`env.wasm.wasmBinary`), so the runtime never fetches a second copy.
 *
 * The build resolves `onnxruntime-web` to its WASM-only bundle (vite.config.ts), which loads the plain
 * `ort-wasm-simd-threaded.wasm` (14 MB); `onnxruntime-web/webgpu` loads the asyncify build (27 MB). A
 * visitor downloads one of them: the WebGPU one only when WebGPU runs (or the parity check asks for both).
 */
import webgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

/** The ONNX Runtime Web bundle a model runs on. */
export type Provider = 'webgpu' | 'wasm';

export type Progress = (loaded: number, total: number | undefined) => void;

interface OrtEnvModule {
  env: { wasm: { wasmBinary?: ArrayBufferLike | Uint8Array } };
}

/** Reads a response body chunk by chunk, reporting bytes so far against Content-Length (when sent). */
export async function fetchWithProgress(url: string, onProgress: Progress): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const header = response.headers.get('content-length');
  const total = header ? Number(header) : undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const loaded = new Map<Provider, Promise<void>>();

/** Fetches the provider's ORT wasm once (with progress) and gives it to that ORT bundle. */
export function preloadRuntime(provider: Provider, onProgress: Progress): Promise<void> {
  let pending = loaded.get(provider);
  if (!pending) {
    pending = (async () => {
      const [mod, bytes] = await Promise.all([
        (provider === 'webgpu'
          ? import('onnxruntime-web/webgpu')
          : import('onnxruntime-web')) as unknown as Promise<OrtEnvModule & { default?: OrtEnvModule }>,
        fetchWithProgress(provider === 'webgpu' ? webgpuWasmUrl : wasmUrl, onProgress),
      ]);
      (mod.default ?? mod).env.wasm.wasmBinary = bytes;
    })();
    pending.catch(() => loaded.delete(provider));
    loaded.set(provider, pending);
  }
  return pending;
}
