import { codeOf } from '@aekit/core/testing';
import { describe, expect, it } from 'vitest';
import { parseNoise, parseSparsity } from './model-option-parsers.js';

describe('command-line option parsers', () => {
  it('reads --noise and --sparsity forms', () => {
    expect(parseNoise('gaussian:0.5')).toEqual({ type: 'gaussian', std: 0.5 });
    expect(parseNoise('saltPepper:0.1')).toEqual({ type: 'saltPepper', amount: 0.1 });
    expect(parseNoise('mask:0.25:7')).toEqual({ type: 'mask', fraction: 0.25, blockSize: 7 });
    expect(parseNoise('mask:0.5')).toEqual({ type: 'mask', fraction: 0.5 });
    expect(parseNoise('watermark')).toEqual({ type: 'watermark' });
    expect(parseSparsity('l1:1e-5')).toEqual({ type: 'l1', weight: 1e-5 });
    expect(parseSparsity('kl:0.05:1')).toEqual({ type: 'kl', rho: 0.05, weight: 1 });
  });
  it('rejects malformed values with an OptionError naming the expected form', () => {
    expect(codeOf(() => parseNoise('gaussian'))).toBe('OPTION_INVALID');
    expect(codeOf(() => parseNoise('blur:2'))).toBe('OPTION_INVALID');
    expect(codeOf(() => parseSparsity('kl:0.05'))).toBe('OPTION_INVALID');
    expect(() => parseSparsity('l2:1')).toThrow(/l1:<weight>/);
  });
});
