// Setup of the 'relaxed SIMD' test project (vitest.config.ts): relaxed SIMD on before any test compiles the kernels.
import { enableWasmRelaxedSimd } from '../device/relaxed-simd.js';

if (!enableWasmRelaxedSimd()) throw new Error('relaxed SIMD does not validate even with the V8 flag on');
process.env.AEKIT_TEST_RELAXED_SIMD = '1';
