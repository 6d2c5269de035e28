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

/** tfjs-core with its gradients registered (the namespace the wasm and js devices compute with). */
export async function loadTfjsCore(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  await loadGradients();
  return tf;
}
