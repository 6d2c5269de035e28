// Side effect (browser entry): the browser's tfjs flavours as static imports a bundler resolves and bundles.
// The Node entry imports them on demand instead, through specifiers some of which a bundler never resolves
// (load-tfjs.ts): the gradients' path in a variable, the optional native flavours.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { markGradientsImported } from './load-tfjs.js';

markGradientsImported();
