import { BackendUnavailableError, installCommand } from '@aekit/core';
import { importOptional, isNotInstalled } from './load-tfjs.js';

/** The WebGPU adapter the webgpu device computes on, as its device line reports it. */
export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  /** The driver's own description, when it gives one. */
  description: string;
  /** A CPU implementation of WebGPU (SwiftShader, llvmpipe, WARP): `auto` and `gpu` never pick it. */
  software: boolean;
}

/** What the `webgpu` device starts tfjs with: the adapter, its info, and the `GPU` object it came from. */
export interface ProbedAdapter {
  adapter: GPUAdapterLike;
  info: WebGpuAdapter;
  /** The adapter's info object as the platform gave it (tfjs-backend-webgpu reads vendor/architecture). */
  rawInfo: Record<string, unknown>;
}

/** The parts of WebGPU's `GPUAdapter` used here (typed locally: the DOM types are not in this package's lib). */
export interface GPUAdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  readonly info?: Record<string, unknown>;
  readonly isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<Record<string, unknown>>;
  requestDevice(descriptor?: object): Promise<unknown>;
}

interface GPULike {
  requestAdapter(options?: object): Promise<GPUAdapterLike | null>;
}

/** Dawn's Node bindings: https://www.npmjs.com/package/webgpu (an optional peer). */
export const WEBGPU_PACKAGE = 'webgpu';

/** How to get an adapter where none is found. */
export const WEBGPU_DRIVER_HINT =
  "install the GPU's Vulkan driver (Linux; Metal on macOS, D3D12 on Windows need nothing), or without a GPU use the SwiftShader driver of Debian's chromium: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json with XDG_RUNTIME_DIR set";

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render|software/i;

/** "google swiftshader, software adapter" */
export function describeAdapter(info: WebGpuAdapter): string {
  const name =
    [info.vendor, info.architecture].filter((s) => s !== '').join(' ') || info.description || 'unnamed';
  return `${name}, ${info.software ? 'software' : 'hardware'} adapter`;
}

/** The platform's `navigator.gpu`, else Dawn's from the `webgpu` package, installed as `navigator.gpu`. */
async function gpuApi(): Promise<GPULike> {
  const nav = (globalThis as { navigator?: { gpu?: GPULike } }).navigator;
  if (nav?.gpu) return nav.gpu;
  let mod: { create(flags: string[]): GPULike; globals: Record<string, unknown> };
  try {
    mod = (await importOptional(WEBGPU_PACKAGE)) as typeof mod;
  } catch (error) {
    if (isNotInstalled(error, WEBGPU_PACKAGE)) {
      throw new BackendUnavailableError(
        `the ${WEBGPU_PACKAGE} package (Dawn's WebGPU for Node) is not installed: ${installCommand(WEBGPU_PACKAGE)}`,
        { cause: error },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(
      `the ${WEBGPU_PACKAGE} package failed to load: ${message.split('\n')[0]}`,
      { cause: error },
    );
  }
  // tfjs-backend-webgpu uses the WebGPU globals (GPUBufferUsage, GPUMapMode, ...) as a browser has them.
  for (const [name, value] of Object.entries(mod.globals ?? {})) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  const gpu = mod.create([]);
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, enumerable: true });
  else (globalThis as { navigator?: unknown }).navigator = { gpu };
  return gpu;
}

function adapterInfo(adapter: GPUAdapterLike, raw: Record<string, unknown>): WebGpuAdapter {
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : '');
  const [vendor, architecture, description, device] = ['vendor', 'architecture', 'description', 'device'].map(
    text,
  ) as [string, string, string, string];
  const fallback = adapter.isFallbackAdapter === true || raw.isFallbackAdapter === true;
  const software = fallback || SOFTWARE.test([vendor, architecture, description, device].join(' '));
  return { vendor, architecture, description, software };
}

let probing: Promise<ProbedAdapter> | undefined;

/**
 * The WebGPU adapter here (requested once per process, high-performance preference): the platform's
 * `navigator.gpu` (browsers, Deno), else Dawn's through the `webgpu` package. Throws BackendUnavailableError
 * with the install or driver hint when there is none.
 */
export function probeWebGpuAdapter(): Promise<ProbedAdapter> {
  probing ??= (async () => {
    const gpu = await gpuApi();
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null || adapter === undefined) {
      throw new BackendUnavailableError(
        `no WebGPU adapter here (requestAdapter() found none): ${WEBGPU_DRIVER_HINT}`,
      );
    }
    const raw = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    return { adapter, info: adapterInfo(adapter, raw), rawInfo: raw };
  })();
  probing.catch(() => {
    probing = undefined;
  });
  return probing;
}
