// Which build of aekit's SIMD kernels loads. This file runs in both test projects (vitest.config.ts): Node 20
// as it starts, and with relaxed SIMD turned on by enableWasmRelaxedSimd (as Node 22+ and browsers have it).
import { describe, expect, it } from 'vitest';
import { nativeModuleBytes } from '../kernels/wasm/native.js';
import { createTfjsBackend } from '../tfjs-backend.js';

const nodeMajor = Number(process.versions.node.split('.')[0]);
const relaxedRuntime = nodeMajor >= 22 || process.env.AEKIT_TEST_RELAXED_SIMD === '1';

describe('the relaxed-SIMD build of the kernels', () => {
  it(`is what a wasm device loads ${relaxedRuntime ? 'here (relaxed SIMD validates)' : 'nowhere here (Node 20 without the flag)'}`, async () => {
    const backend = createTfjsBackend({ device: 'wasm' });
    await backend.init();
    expect(backend.loaded?.relaxedSimd).toBe(relaxedRuntime);
    expect(backend.describe()).toMatch(
      relaxedRuntime ? /^wasm \(\d+ threads?, relaxed SIMD; / : /^wasm \(\d+ threads?, SIMD; /,
    );
  });

  it('validates only where relaxed SIMD does, and AEKIT_WASM_RELAXED_SIMD=0 keeps the plain build', () => {
    for (const shared of [false, true]) {
      const chosen = nativeModuleBytes(shared);
      expect(chosen.relaxed).toBe(relaxedRuntime);
      expect(WebAssembly.validate(chosen.bytes)).toBe(true);
      process.env.AEKIT_WASM_RELAXED_SIMD = '0';
      try {
        expect(nativeModuleBytes(shared).relaxed).toBe(false);
      } finally {
        delete process.env.AEKIT_WASM_RELAXED_SIMD;
      }
    }
  });
});
