import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect } from 'vitest';
import { registerTrainingKernels, trainingKernelNames } from '../index.js';
import { convCases, itMatchesReference, poolCases } from '../test-utils/kernel-cases.js';

describe('cpu training kernels match the stock tfjs CPU kernels', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(registerTrainingKernels('cpu')).toEqual(trainingKernelNames('cpu'));
  });
  itMatchesReference('cpu', convCases(4));
  itMatchesReference('cpu', poolCases(5));
});
