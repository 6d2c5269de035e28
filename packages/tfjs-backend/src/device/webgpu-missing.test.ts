import { BackendUnavailableError, installCommand, setLogger } from '@aekit/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { selectDevice } from './devices.js';

// What the webgpu package's import gives in this file: missing, or a Dawn without any adapter.
const mode = vi.hoisted(() => ({ webgpu: 'missing' as 'missing' | 'no-adapter' }));

vi.mock('./load-tfjs.js', async (importActual) => {
  const actual = await importActual<typeof import('./load-tfjs.js')>();
  return {
    ...actual,
    importOptional: async (pkg: string) => {
      if (pkg !== 'webgpu') return actual.importOptional(pkg);
      if (mode.webgpu === 'missing') {
        throw Object.assign(new Error("Cannot find package 'webgpu' imported from devices.js"), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      }
      return { globals: {}, create: () => ({ requestAdapter: async () => null }) };
    },
  };
});

beforeAll(() => setLogger({ info() {}, warn() {} }));

describe('webgpu without the webgpu package or without an adapter', () => {
  it('--device webgpu fails with the reason and the install hint; auto skips it with the reason', async () => {
    mode.webgpu = 'missing';
    const error = await selectDevice('webgpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    // The install line names the package manager running the tests first (installCommand).
    const missing = `[webgpu] the webgpu package (Dawn's WebGPU for Node) is not installed: ${installCommand('webgpu')}`;
    const head = `tfjs device "webgpu" is not available here:\n  ${missing}\n`;
    expect((error as Error).message.slice(0, head.length)).toBe(head);
    expect((error as Error).message).toContain('[wasm] available');
    const picked = await selectDevice('auto');
    expect(picked.device).toBe('wasm');
    expect(picked.reason).toContain(missing);
  });

  it('without an adapter: the driver hint (Vulkan, or SwiftShader without a GPU)', async () => {
    mode.webgpu = 'no-adapter';
    const hint =
      "[webgpu] no WebGPU adapter here (requestAdapter() found none): install the GPU's Vulkan driver (Linux; Metal on macOS, D3D12 on Windows need nothing), or without a GPU use the SwiftShader driver of Debian's chromium: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json with XDG_RUNTIME_DIR set";
    await expect(selectDevice('webgpu')).rejects.toThrow(hint);
    await expect(selectDevice('gpu')).rejects.toThrow(hint);
    expect((await selectDevice('auto')).reason).toContain(hint);
  });
});
