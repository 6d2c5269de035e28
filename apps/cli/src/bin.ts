#!/usr/bin/env node
// First, before any WebAssembly compiles: aekit's wasm kernels load their fused multiply-add build on Node 20
// too (Node 22+ has relaxed SIMD on; AEKIT_WASM_RELAXED_SIMD=0 keeps the plain build).
const { enableWasmRelaxedSimd } = await import('@aekit/tfjs-backend');
enableWasmRelaxedSimd();
const { main } = await import('./main.js');

process.exitCode = await main(process.argv.slice(2));
