import { describe, expect, it } from 'vitest';
import { DEVICE_NAMES, DEVICES, GPU_DEVICES, isDevice, parseDevice } from './devices.js';
import { OptionError } from './errors.js';

describe('devices', () => {
  it('is one frozen list of device words for training and inference', () => {
    expect(Object.keys(DEVICES)).toEqual(['auto', 'gpu', 'cuda', 'webgpu', 'cpu', 'wasm', 'js']);
    expect(Object.isFrozen(DEVICES)).toBe(true);
    expect(DEVICE_NAMES).toEqual(Object.keys(DEVICES));
    expect(GPU_DEVICES).toEqual(['cuda', 'webgpu']);
    expect(isDevice('wasm')).toBe(true);
    expect(isDevice('toString')).toBe(false);
  });

  it('an unknown word fails with the valid ones', () => {
    expect(parseDevice('cpu')).toBe('cpu');
    expect(() => parseDevice('tpu', '--device')).toThrow(OptionError);
    expect(() => parseDevice('tpu', '--device')).toThrow(
      'Unknown --device "tpu". Should be one of: auto, gpu, cuda, webgpu, cpu, wasm, js',
    );
  });
});
