import { formatShape } from '@aekit/core';
import { loadCheckpoint } from '@aekit/core/node';
import { EXPORT_PARTS, type ExportPart, saveOnnx } from '@aekit/onnx-backend';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { choiceOption } from '../parse-options.js';

interface ExportOptions {
  checkpoint: string;
  part: ExportPart;
  out?: string;
}

/** `aekit export`: a checkpoint's spec and weights to an ONNX file (encoder, decoder or full model). */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export a trained checkpoint to ONNX (encoder, decoder or full model) for ONNX Runtime')
    .requiredOption('--checkpoint <dir>', 'checkpoint directory written by "aekit train" (e.g. runs/conv)')
    .addOption(
      new Option('--part <part>', `what to export: ${EXPORT_PARTS.join(', ')}`)
        .argParser(choiceOption('--part', EXPORT_PARTS))
        .default('full'),
    )
    .addOption(
      new Option('--out <file>', 'the .onnx file to write').default(undefined, '<checkpoint>/<part>.onnx'),
    )
    .action(async (options: ExportOptions) => {
      const io = getIo();
      const { spec, weights } = await loadCheckpoint(options.checkpoint);
      const out = options.out ?? `${options.checkpoint.replace(/\/+$/, '')}/${options.part}.onnx`;
      const { bytes, info } = await saveOnnx(out, spec, weights, { part: options.part });
      const outputs = info.outputs.join(', ');
      io.out(
        `wrote ${out} (${(bytes.length / 1024).toFixed(1)} KiB): "${info.name}" ${info.part}, ` +
          `input ${info.inputs[0]} ${formatShape(['batch', ...info.inputShape])} -> ${outputs}; layout NHWC`,
      );
    });
}
