import { describe, expect, it } from 'vitest';
import { normaliseBackground, objectBox, toGrayscale } from './image-input.js';

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

/** A width x height RGBA picture of one grey level with a rectangle of another. */
function picture(
  width: number,
  height: number,
  background: number,
  object: number,
  box: [number, number, number, number],
) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
      const v = inside ? object : background;
      rgba.set([v, v, v, 255], 4 * (y * width + x));
    }
  }
  return rgba;
}

describe('normaliseBackground and objectBox', () => {
  it('turns a dark object on a light grey background into a bright object on exact black', () => {
    const out = normaliseBackground(picture(20, 10, 200, 40, [5, 2, 9, 6]), 20, 10);
    expect(out[0]).toBe(0); // the grey background is gone, not a grey band
    expect(out[4 * 20 + 7]).toBeCloseTo(1, 6);
    expect(objectBox(out, 20, 10)).toEqual({ x0: 5, y0: 2, x1: 9, y1: 6 });
  });

  it('keeps a light object on a dark background and drops faint shading', () => {
    const rgba = picture(10, 10, 20, 230, [2, 2, 4, 7]);
    rgba.set([35, 35, 35, 255], 4 * 99); // shading 15/210 of the contrast: below the floor
    const out = normaliseBackground(rgba, 10, 10);
    expect(out[99]).toBe(0);
    expect(out[3 * 10 + 3]).toBeCloseTo(1, 6);
    expect(objectBox(out, 10, 10)).toEqual({ x0: 2, y0: 2, x1: 4, y1: 7 });
  });

  it('finds no object in an empty picture', () => {
    expect(objectBox(new Float32Array(16), 4, 4)).toBeUndefined();
  });
});
