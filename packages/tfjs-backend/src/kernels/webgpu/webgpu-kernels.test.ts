import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importWebGpuFlavour } from '../../device/webgpu-device.js';
import { webgpuSkipReason } from '../../test-utils/webgpu.js';
import { registerTrainingKernels, trainingKernelNames } from '../index.js';
import { stockKernel } from '../stock-kernels.js';
import {
  completeCase,
  convCases,
  elementwiseCases,
  itMatchesReference,
  type KernelCase,
  matMulCases,
  poolCases,
  reference,
  relativeMaxDiff,
  runOnCurrentBackend,
} from '../test-utils/kernel-cases.js';

const skip = await webgpuSkipReason();

describe.skipIf(skip !== undefined)(
  `webgpu training kernels match the tfjs CPU kernels${skip ? ` (${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      await importWebGpuFlavour();
      expect(await tf.setBackend('webgpu')).toBe(true);
      expect(registerTrainingKernels('webgpu')).toEqual(trainingKernelNames('webgpu'));
    });

    /** The stock kernel's result on a case against the CPU reference, then aekit's kernel back in place. */
    async function stockDiff(c: KernelCase): Promise<number> {
      const stock = stockKernel(c.kernelName, 'webgpu');
      expect(stock).toBeDefined();
      await tf.setBackend('cpu');
      const full = completeCase(c);
      const expected = reference(full);
      await tf.setBackend('webgpu');
      tf.unregisterKernel(c.kernelName, 'webgpu');
      tf.registerKernel(stock!);
      try {
        return relativeMaxDiff(await runOnCurrentBackend(full), expected);
      } finally {
        tf.unregisterKernel(c.kernelName, 'webgpu');
        registerTrainingKernels('webgpu');
      }
    }

    it("replaces tfjs-backend-webgpu's MaxPoolGrad and ResizeNearestNeighborGrad, whose stock kernels are wrong", async () => {
      expect(trainingKernelNames('webgpu')).toEqual(['MaxPoolGrad', 'ResizeNearestNeighborGrad']);
      const cases = poolCases(2);
      // Ties (the zeros a ReLU leaves): the stock kernel does not pick the first maximum of a window.
      expect(
        await stockDiff(cases.find((k) => k.label === 'x 2,28,28,16 pool2 s2 same with ties')!),
      ).toBeGreaterThan(0.1);
      // Half-pixel centres. (UpSampling2D's resize, without them, the stock kernel gets right; tfjs-backend-cpu's
      // stock kernel is the one wrong there, for batches of more than one: aekit replaces it on 'js'.)
      expect(
        await stockDiff(cases.find((k) => k.label === '2,6,5,3 -> 13x8 align=false half=true')!),
      ).toBeGreaterThan(0.1);
      expect(
        await stockDiff(cases.find((k) => k.label === '2,14,14,16 -> 28x28 align=false half=false')!),
      ).toBe(0);
    });

    // aekit's own kernel, and the stock webgpu kernels the zoo trains with, on random shapes, tails and batch 1.
    itMatchesReference('webgpu', poolCases(22));
    itMatchesReference('webgpu', convCases(21));
    itMatchesReference('webgpu', matMulCases(26));
    // ReluGrad is aekit's kernel for wasm and cpu only (webgpu runs tfjs' own composition).
    itMatchesReference(
      'webgpu',
      elementwiseCases(28).filter((c) => c.kernelName === 'Sum'),
    );

    it('frees the index runs it uploads', async () => {
      await tf.setBackend('webgpu');
      const c = completeCase(poolCases(3).find((k) => k.kernelName === 'ResizeNearestNeighborGrad')!);
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const ids = backend.numDataIds();
      await runOnCurrentBackend(c);
      expect(backend.numDataIds()).toBe(ids);
    });
  },
);
