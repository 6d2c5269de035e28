// Side effect (browser entry): the browser's tfjs flavours as static imports a bundler resolves and bundles.
// The Node entry imports them on demand instead, through specifiers some of which a bundler never resolves
// (load-tfjs.ts): the gradients' path in a variable, the optional native flavours.
// Named imports, not bare `import 'pkg'`: a bare import would stay in the declaration files, and the flavours'
// own declarations need ambient types (Emscripten's, WebGPU's) a consumer does not have.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { markGradientsImported } from './load-tfjs.js';

markGradientsImported();

/** The tfjs flavours bundled into the browser entry: the cpu and wasm packages' versions, webgpu's presence. */
export const BROWSER_FLAVOURS: Readonly<{ cpu: string; wasm: string; webgpu: boolean }> = Object.freeze({
  cpu: version_cpu,
  wasm: version_wasm,
  webgpu: typeof WebGPUBackend === 'function',
});
