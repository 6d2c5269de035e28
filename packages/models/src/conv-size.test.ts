import { AekitError } from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { colorizationAutoencoder, convBottleneckAutoencoder, inpaintingAutoencoder, vae } from './index.js';
import { nearestMultiples } from './options.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (AekitError.isInstance(e)) {
      expect(e.code).toBe('OPTION_INVALID');
      return e.message;
    }
    throw e;
  }
  throw new Error('did not throw');
}

describe('conv specs name the nearest valid sizes (issue #14 item 9)', () => {
  it('nearestMultiples', () => {
    expect(nearestMultiples(30, 4)).toEqual([28, 32]);
    expect(nearestMultiples(29, 4)).toEqual([28, 32]);
    expect(nearestMultiples(3, 4)).toEqual([4]);
  });

  it('a size that is not a multiple of the stride says which sizes are', () => {
    expect(messageOf(() => convBottleneckAutoencoder({ inputShape: [30, 30, 1] }))).toBe(
      'convBottleneckAutoencoder: height and width must be multiples of 4 (the encoder halves them 2 times and the decoder doubles them back), got [30, 30, 1]: height 30 is not; the nearest that are: 28 or 32; width 30 is not; the nearest that are: 28 or 32. Resize or pad the images to [28, 28, 1] or [28, 32, 1] or [32, 28, 1] or [32, 32, 1]',
    );
    expect(messageOf(() => vae({ kind: 'conv', inputShape: [28, 27, 3] }))).toMatch(
      /got \[28, 27, 3\]: width 27 is not; the nearest that are: 24 or 28\. Resize or pad the images to \[28, 24, 3\] or \[28, 28, 3\]$/,
    );
    expect(messageOf(() => colorizationAutoencoder({ inputShape: [2, 2, 1] }))).toMatch(/to \[4, 4, 1\]$/);
    expect(
      messageOf(() => inpaintingAutoencoder({ inputShape: [28, 28] as unknown as [number, number, number] })),
    ).toBe(
      'inpaintingAutoencoder: inputShape must be [height, width, channels], got [28, 28]; pass images, e.g. [28, 28, 1]',
    );
  });
});
