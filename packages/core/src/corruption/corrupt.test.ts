import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { codeOf } from '../testing/error-code.js';
import { renderText } from './bitmap-font.js';
import { corrupt, createCorruption } from './corrupt.js';

const SHAPE = [28, 28, 1];
const PIXELS = 28 * 28;

function grey(n: number, value = 0.5): Float32Array {
  return new Float32Array(n * PIXELS).fill(value);
}

function inUnitRange(values: Float32Array): boolean {
  return values.every((v) => v >= 0 && v <= 1);
}

describe('gaussian', () => {
  it('adds noise with the requested std (within 5%) on mid-grey images, clipped to [0, 1]', () => {
    const clean = grey(100);
    const noisy = corrupt(clean, SHAPE, { type: 'gaussian', std: 0.1 }, 1);
    expect(clean[0]).toBe(0.5); // not mutated
    let sum = 0;
    let sq = 0;
    for (const v of noisy) {
      sum += v - 0.5;
      sq += (v - 0.5) ** 2;
    }
    const mean = sum / noisy.length;
    const std = Math.sqrt(sq / noisy.length - mean ** 2);
    expect(Math.abs(std - 0.1) / 0.1).toBeLessThan(0.05);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    const strong = corrupt(clean, SHAPE, { type: 'gaussian', std: 1 }, 2);
    expect(inUnitRange(strong)).toBe(true);
    expect(strong.filter((v) => v === 0 || v === 1).length / strong.length).toBeGreaterThan(0.5);
  });

  it('is reproducible per seed', () => {
    const a = corrupt(grey(2), SHAPE, { type: 'gaussian', std: 0.2 }, 5);
    const b = corrupt(grey(2), SHAPE, { type: 'gaussian', std: 0.2 }, 5);
    const c = corrupt(grey(2), SHAPE, { type: 'gaussian', std: 0.2 }, 6);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('saltPepper', () => {
  it('sets about `amount` of the values to 0 or 1, half each', () => {
    const out = corrupt(grey(100), SHAPE, { type: 'saltPepper', amount: 0.2 }, 3);
    const zeros = out.filter((v) => v === 0).length / out.length;
    const ones = out.filter((v) => v === 1).length / out.length;
    const untouched = out.filter((v) => v === 0.5).length / out.length;
    expect(Math.abs(zeros + ones - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(zeros - ones)).toBeLessThan(0.01);
    expect(zeros + ones + untouched).toBeCloseTo(1, 10);
  });
});

describe('mask', () => {
  it('zeroes exactly the requested fraction of pixels per image', () => {
    const out = corrupt(grey(20), SHAPE, { type: 'mask', fraction: 0.3 }, 4);
    for (let s = 0; s < 20; s++) {
      const zeros = out.subarray(s * PIXELS, (s + 1) * PIXELS).filter((v) => v === 0).length;
      expect(zeros).toBe(Math.round(0.3 * PIXELS)); // 235
    }
  });

  it('zeroes whole aligned blocks, all channels, with blockSize', () => {
    const shape = [28, 28, 3];
    const out = corrupt(
      new Float32Array(5 * PIXELS * 3).fill(0.5),
      shape,
      { type: 'mask', fraction: 0.25, blockSize: 4 },
      9,
    );
    for (let s = 0; s < 5; s++) {
      let masked = 0;
      for (let by = 0; by < 7; by++) {
        for (let bx = 0; bx < 7; bx++) {
          const values: number[] = [];
          for (let y = by * 4; y < by * 4 + 4; y++) {
            for (let x = bx * 4; x < bx * 4 + 4; x++) {
              for (let c = 0; c < 3; c++) values.push(out[s * PIXELS * 3 + (y * 28 + x) * 3 + c]!);
            }
          }
          const zeros = values.filter((v) => v === 0).length;
          expect([0, 48]).toContain(zeros); // a block is either untouched or fully masked
          if (zeros === 48) masked++;
        }
      }
      expect(masked).toBe(Math.round(0.25 * 49)); // 12 of 49 blocks
    }
  });
});

describe('watermark', () => {
  it('renders readable glyphs with the built-in font', () => {
    const t = renderText('Hi');
    expect([t.width, t.height]).toEqual([7, 5]);
    // H then a blank column then I
    expect(Array.from(t.ink.subarray(0, 7)).join('')).toBe('1010111');
  });

  it('changes only a bounded region per image, by `opacity`, at varying places', () => {
    const n = 50;
    const out = corrupt(grey(n, 0), SHAPE, { type: 'watermark', text: 'aekit', opacity: 0.6 }, 11);
    const text = renderText('aekit'); // 19 x 5 pixels at scale 1
    const inkCount = text.ink.reduce((a, b) => a + b, 0);
    const corners = new Set<string>();
    for (let s = 0; s < n; s++) {
      const img = out.subarray(s * PIXELS, (s + 1) * PIXELS);
      let minX = 28;
      let minY = 28;
      let maxX = -1;
      let maxY = -1;
      let changed = 0;
      img.forEach((v, i) => {
        if (v === 0) return;
        expect(v).toBeCloseTo(0.6, 6);
        changed++;
        minX = Math.min(minX, i % 28);
        maxX = Math.max(maxX, i % 28);
        minY = Math.min(minY, Math.floor(i / 28));
        maxY = Math.max(maxY, Math.floor(i / 28));
      });
      // Only scale 1 fits "aekit" (19 px) into 28 px, so exactly the glyph ink changes, inside 19 x 5.
      expect(changed).toBe(inkCount);
      expect(maxX - minX + 1).toBeLessThanOrEqual(19);
      expect(maxY - minY + 1).toBeLessThanOrEqual(5);
      corners.add(`${minX},${minY}`);
    }
    expect(corners.size).toBeGreaterThan(20);
  });

  it('uses larger scales when they fit, and dark ink on bright images', () => {
    const out = corrupt(grey(40, 1), SHAPE, { type: 'watermark', text: 'AE', opacity: 1 }, 12);
    const inked = new Set<number>();
    for (let s = 0; s < 40; s++) {
      const img = out.subarray(s * PIXELS, (s + 1) * PIXELS);
      const zeros = img.filter((v) => v === 0).length;
      expect(img.every((v) => v === 0 || v === 1)).toBe(true);
      inked.add(zeros);
    }
    const base = renderText('AE').ink.reduce((a, b) => a + b, 0);
    // scale k multiplies the ink by k^2: several scales occur (7x5 text fits up to scale 4 in 28x28)
    expect([...inked].every((z) => [1, 4, 9, 16].includes(z / base))).toBe(true);
    expect(inked.size).toBeGreaterThan(2);
  });

  it('rejects text that cannot fit and 1-D samples', () => {
    expect(codeOf(() => createCorruption({ type: 'watermark', text: 'much too long' }, SHAPE))).toBe(
      'OPTION_INVALID',
    );
    expect(codeOf(() => createCorruption({ type: 'watermark' }, [784]))).toBe('OPTION_INVALID');
  });
});

describe('createCorruption', () => {
  it('validates the spec and the batch length', () => {
    expect(codeOf(() => createCorruption({ type: 'gaussian', std: -1 }, SHAPE))).toBe('SPEC_INVALID');
    expect(codeOf(() => createCorruption({ type: 'blur' } as never, SHAPE))).toBe('SPEC_INVALID');
    const fn = createCorruption({ type: 'gaussian', std: 0.1 }, SHAPE);
    expect(codeOf(() => fn(new Float32Array(PIXELS + 1), createRng(1)))).toBe('SHAPE_MISMATCH');
    const flat = corrupt(new Float32Array(30).fill(0.5), [10], { type: 'mask', fraction: 0.5 }, 1);
    expect(flat.filter((v) => v === 0).length).toBe(15);
  });
});
