import { describe, expect, it } from 'vitest';
import { toGrayscale } from './image-input.js';

const rgba = (...pixels: [number, number, number, number][]) => Uint8ClampedArray.from(pixels.flat());

describe('toGrayscale', () => {
  it('keeps light-on-dark images and weights transparency', () => {
    const out = toGrayscale(rgba([255, 255, 255, 255], [0, 0, 0, 255], [0, 0, 0, 255], [255, 255, 255, 0]));
    expect([...out]).toEqual([1, 0, 0, 0]);
  });

  it('inverts dark-on-light images so strokes are bright, as in (Fashion-)MNIST', () => {
    const out = toGrayscale(
      rgba([255, 255, 255, 255], [255, 255, 255, 255], [0, 0, 0, 255], [255, 0, 0, 255]),
    );
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[2]).toBeCloseTo(1, 6);
    expect(out[3]).toBeCloseTo(1 - 0.299, 3);
  });
});
