// onnxruntime-node behind a Platform whose sessions run through a hook: tests see each session's model bytes
// and every run call (what was fed, how outputs were asked for) and may change what a run does.
import type { OrtModule, OrtSession } from '../runtime.js';
import { loadNodeRuntime } from '../runtime-node.js';
import type { Platform } from '../session.js';

/** A run of a session: what ONNX Runtime was asked, and the real run to call (or not). */
export type RunHook = (
  feeds: Parameters<OrtSession['run']>[0],
  asked: Parameters<OrtSession['run']>[1],
  run: OrtSession['run'],
) => ReturnType<OrtSession['run']>;

/** A node-only Platform creating real onnxruntime-node sessions; `onSession` gives each one's run hook. */
export function recordingNodePlatform(onSession: (model: Uint8Array) => RunHook): Platform {
  return {
    defaultRuntime: () => 'node',
    runtimes: ['node'],
    readPath: () => Promise.reject(new Error('bytes only')),
    hasWebGpu: () => false,
    hasCuda: () => false,
    async load(runtime, device) {
      const ort = await loadNodeRuntime(runtime, device);
      const create: OrtModule['InferenceSession']['create'] = async (model, options) => {
        const session = await ort.InferenceSession.create(model, options);
        const hook = onSession(model);
        const run: OrtSession['run'] = (feeds, asked) => session.run(feeds, asked);
        return {
          inputNames: session.inputNames,
          outputNames: session.outputNames,
          release: () => session.release(),
          run: (feeds, asked) => hook(feeds, asked, run),
        };
      };
      return { ...ort, InferenceSession: { create } };
    },
  };
}
