import { DEVICE_NAMES, type Device } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { checkRuntimeDevice, type ProviderEnvironment, providerCandidates } from './execution-providers.js';

const bare: ProviderEnvironment = {
  hasCuda: false,
  hasWebGpu: false,
  nodeProviders: ['cpu', 'webgpu', 'cuda'],
};
const cudaInstalled: ProviderEnvironment = { ...bare, hasCuda: true };
const browserWithGpu: ProviderEnvironment = { ...bare, hasWebGpu: true };

/** Each candidate as `name:providers` or `name!` when it is skipped without trying. */
function plan(runtime: 'node' | 'web', device: Device, env: ProviderEnvironment): string[] {
  return providerCandidates(runtime, device, env).map((c) =>
    c.unavailable ? `${c.name}!` : `${c.name}:${c.providers.join('+')}`,
  );
}

describe('device words on ONNX Runtime execution providers', () => {
  it('node: auto is CUDA when installed else CPU, gpu is CUDA when installed else WebGPU', () => {
    expect(plan('node', 'auto', bare)).toEqual(['cpu:cpu']);
    expect(plan('node', 'auto', cudaInstalled)).toEqual(['cuda:cuda', 'cpu:cpu']);
    expect(plan('node', 'gpu', bare)).toEqual(['cuda!', 'webgpu:webgpu']);
    expect(plan('node', 'gpu', cudaInstalled)).toEqual(['cuda:cuda', 'webgpu:webgpu']);
    expect(plan('node', 'cpu', cudaInstalled)).toEqual(['cpu:cpu']);
    // An explicit cuda is tried even when the binaries look absent: ORT's message says what is missing.
    expect(plan('node', 'cuda', bare)).toEqual(['cuda:cuda']);
    expect(plan('node', 'webgpu', bare)).toEqual(['webgpu:webgpu']);
  });

  it('node: a build without the WebGPU provider skips it with the reason and a fix', () => {
    const noWebGpu = { ...bare, nodeProviders: ['cpu', 'cuda'] };
    expect(plan('node', 'gpu', noWebGpu)).toEqual(['cuda!', 'webgpu!']);
    const [webgpu] = providerCandidates('node', 'webgpu', noWebGpu);
    expect(webgpu!.unavailable).toBe('this onnxruntime-node build ships no WebGPU provider (only cpu, cuda)');
    expect(webgpu!.fix).toContain('device "cpu" or "wasm"');
    const [cuda] = providerCandidates('node', 'gpu', bare);
    expect(cuda!.unavailable).toBe('the CUDA provider binaries are not installed');
    expect(cuda!.fix).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install');
  });

  it('web: auto is WebGPU (ORT falls back to WASM) when the page has it, cpu is WASM', () => {
    expect(plan('web', 'auto', bare)).toEqual(['wasm:wasm']);
    expect(plan('web', 'auto', browserWithGpu)).toEqual(['webgpu:webgpu+wasm']);
    expect(plan('web', 'cpu', browserWithGpu)).toEqual(['wasm:wasm']);
    expect(plan('web', 'wasm', browserWithGpu)).toEqual(['wasm:wasm']);
    expect(plan('web', 'webgpu', bare)).toEqual(['webgpu:webgpu']);
    expect(plan('web', 'gpu', browserWithGpu)).toEqual(['cuda!', 'webgpu:webgpu']);
    expect(plan('web', 'gpu', bare)).toEqual(['cuda!', 'webgpu!']);
  });

  it('CPU and WASM candidates have no fix: when they fail the model is at fault', () => {
    for (const runtime of ['node', 'web'] as const) {
      for (const device of ['auto', 'cpu'] as const)
        expect(providerCandidates(runtime, device, bare).map((c) => c.fix)).toEqual([undefined]);
    }
  });

  it('js, cuda on web and wasm on node fail as options before anything loads', () => {
    for (const runtime of ['node', 'web'] as const) {
      expect(() => checkRuntimeDevice(runtime, 'js')).toThrow(
        'device "js": ONNX Runtime has no plain-JavaScript execution provider; use device "wasm" (onnxruntime-web, runs anywhere) or "cpu"',
      );
    }
    expect(() => checkRuntimeDevice('web', 'cuda')).toThrow('needs runtime "node"');
    expect(() => checkRuntimeDevice('node', 'wasm')).toThrow('needs runtime "web"');
    const ok = DEVICE_NAMES.filter((d) => d !== 'js' && d !== 'wasm');
    for (const device of ok) expect(() => checkRuntimeDevice('node', device)).not.toThrow();
  });
});
