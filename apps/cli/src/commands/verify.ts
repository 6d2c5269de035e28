import { AekitError, DEVICE_NAMES, type Device, formatShape, GPU_DEVICES } from '@aekit/core';
import { createSession, randomInputs, verifyParity } from '@aekit/onnx-backend';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { choiceOption, intOption, numberOption } from '../parse-options.js';

interface VerifyOptions {
  model: string;
  device: Device;
  tolerance?: number;
  batch: number;
  seed: number;
}

/**
 * `aekit verify`: runs a model on a device and on the CPU with the same random inputs and reports the max
 * |diff| of every output (ORT's WebGPU backend has known wrong outputs for some Conv/ConvTranspose shapes).
 */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('check that an ONNX model gives the same outputs on a device as on the CPU')
    .requiredOption('--model <file>', 'the .onnx file (from "aekit export")')
    .addOption(
      new Option('--device <device>', `device to check: ${DEVICE_NAMES.join(', ')}`)
        .argParser(choiceOption('--device', DEVICE_NAMES))
        .default('cpu'),
    )
    .addOption(
      new Option('--tolerance <t>', 'largest allowed max |diff| per output')
        .argParser(numberOption('--tolerance', 0))
        .default(undefined, '1e-4 on cpu/wasm, 1e-3 on gpus'),
    )
    .option('--batch <n>', 'random samples to run', intOption('--batch', 1, 4096), 8)
    .option('--seed <n>', 'seed of the random inputs', intOption('--seed', 0, 2 ** 31 - 1), 0)
    .action(async (options: VerifyOptions) => {
      const io = getIo();
      const session = await createSession(options.model, { device: options.device });
      // The tolerance follows what the device resolved to (auto and gpu may land on a GPU or not).
      const gpu = session.executionProviders.some((p) => (GPU_DEVICES as readonly string[]).includes(p));
      const tolerance = options.tolerance ?? (gpu ? 1e-3 : 1e-4);
      // The reference is ONNX Runtime's CPU provider; checking the CPU itself compares it with WASM.
      const reference = await createSession(options.model, {
        device: options.device === 'cpu' ? 'wasm' : 'cpu',
      }).catch(async (error: unknown) => {
        await session.dispose();
        throw error;
      });
      try {
        const inputs = randomInputs(reference, options.batch, options.seed);
        const report = await verifyParity(session, reference, inputs, { tolerance });
        io.out(
          `${options.model}: ${report.device} vs ${report.referenceDevice}, ${options.batch} random inputs in [0, 1)`,
        );
        for (const o of report.outputs) {
          io.out(
            `  ${o.ok ? 'ok  ' : 'FAIL'} ${o.name} ${formatShape(o.shape)}: max |diff| ${o.maxAbsDiff.toExponential(2)} (tolerance ${tolerance})`,
          );
        }
        if (!report.ok) {
          throw new AekitError(
            'PARITY_FAILED',
            `${report.device} diverges from ${report.referenceDevice} on ${report.outputs
              .filter((o) => !o.ok)
              .map((o) => o.name)
              .join(', ')}; run this model on another device (e.g. --device wasm or cpu)`,
            { details: { report } },
          );
        }
        io.out(`parity ok on ${report.device}`);
      } finally {
        await Promise.all([session.dispose(), reference.dispose()]);
      }
    });
}
