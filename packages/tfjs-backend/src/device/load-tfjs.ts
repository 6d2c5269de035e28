import type { Tf } from '../tf.js';

/** True when `error` says that `pkg` itself (not one of its files) cannot be found. */
export function isNotInstalled(error: unknown, pkg: string): boolean {
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
export async function importOptional(pkg: string): Promise<unknown> {
  return import(/* @vite-ignore */ pkg);
}

const GRADIENTS = '@tensorflow/tfjs-core/dist/register_all_gradients.js';

/** Set once the resolve hook is registered in this process (shared by every copy of this package). */
const HOOK_REGISTERED = Symbol.for('aekit.tfjs-backend.tfjs-esm-hook');

/**
 * tfjs-core ships its gradient registrations only as ESM files that import siblings without extensions
 * ('./gradients/Abs_grad'): bundlers and vitest resolve them, Node's own ESM loader does not, and loaders
 * layered on it differ (tsx 4.20 resolves them, 4.23 does not). So in Node, *before* the first import of
 * them, register a resolve hook scoped to relative imports inside @tensorflow packages (tfjs-esm-hook.ts).
 * Never import first and retry after a failure: loaders such as tsx 4.23 keep the failed module cached.
 *
 * Only the built package registers it (this file is `load-tfjs.js` beside `tfjs-esm-hook.js`); from source
 * (`.ts`) the loader running the TypeScript (vitest, tsx) resolves tfjs' imports itself. In a bundle the hook
 * file is not beside the bundle, nothing is registered, and the bundler has resolved the imports already.
 */
async function registerTfjsHook(): Promise<void> {
  const global = globalThis as { [HOOK_REGISTERED]?: boolean };
  if (global[HOOK_REGISTERED] || !import.meta.url.endsWith('.js')) return;
  const nodeModule =
    typeof process !== 'undefined' && process.versions?.node ? await import('node:module') : undefined;
  if (!nodeModule?.register) return; // not Node, or Node < 20.6
  const hook = new URL('./tfjs-esm-hook.js', import.meta.url);
  const { existsSync } = await import('node:fs');
  if (hook.protocol !== 'file:' || !existsSync(hook)) return; // bundled
  nodeModule.register(hook);
  global[HOOK_REGISTERED] = true;
}

/** Set by the browser entry, which imports the gradients statically (browser-flavours.ts). */
let gradientsImported = false;

/**
 * Called once the gradients are registered by a static import a bundler resolved: the variable import below
 * (a bare specifier at run time) would fail in a browser.
 */
export function markGradientsImported(): void {
  gradientsImported = true;
}

async function loadGradients(): Promise<void> {
  if (gradientsImported) return;
  await registerTfjsHook();
  await import(/* @vite-ignore */ GRADIENTS);
}

/** tfjs-core with its gradients registered (the namespace the wasm and js devices compute with). */
export async function loadTfjsCore(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  await loadGradients();
  return tf;
}
