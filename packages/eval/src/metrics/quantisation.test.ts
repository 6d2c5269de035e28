import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, roundTripFloat16, toFloat16Bits } from './float16.js';
import { quantizeUint8 } from './rate-quality.js';

describe('float16 and uint8 quantisation', () => {
  it('round-trips exactly representable values and rounds the rest to 11 significant bits', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24]) expect(fromFloat16Bits(toFloat16Bits(v))).toBe(v);
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    const r = roundTripFloat16(new Float32Array([Math.PI]))[0] as number;
    expect(r).toBe(3.140625);
    expect(fromFloat16Bits(toFloat16Bits(1e6))).toBe(Number.POSITIVE_INFINITY);
  });

  it('uint8 quantisation error is at most half a step of each dimension range', () => {
    const z = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i) * (1 + (i % 2) * 9));
    const q = quantizeUint8(z, 2);
    for (let i = 0; i < z.length; i++) {
      const step = (i % 2 === 0 ? 2 : 20) / 255;
      expect(Math.abs((q[i] as number) - (z[i] as number))).toBeLessThanOrEqual(step / 2 + 1e-4);
    }
  });
});
