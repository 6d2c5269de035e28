import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect } from 'vitest';
import { ReluGrad } from '../custom-kernels.js';
import { registerTrainingKernels, trainingKernelNames } from '../index.js';
import { convCases, elementwiseCases, itMatchesReference, poolCases } from '../test-utils/kernel-cases.js';

describe('cpu training kernels match the stock tfjs CPU kernels', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(registerTrainingKernels('cpu')).toEqual(trainingKernelNames('cpu'));
  });
  // aekit replaces only the cpu backend's gradient kernels.
  itMatchesReference(
    'cpu',
    convCases(4).filter((c) => c.kernelName !== 'Conv2D'),
  );
  itMatchesReference('cpu', poolCases(5));
  itMatchesReference(
    'cpu',
    elementwiseCases(7).filter((c) => c.kernelName === ReluGrad),
  );
});
