import { statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  DataError,
  DEVICE_NAMES,
  type Device,
  formatShape,
  requireFinite,
  ShapeMismatchError,
  shapeSize,
} from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import {
  DEFAULT_FIT,
  decodeImage,
  FIT_POLICIES,
  type FitPolicy,
  formatJsonArray,
  formatNpyShape,
  imageChannels,
  loadImageFolder,
  parseJsonArray,
  readIdx,
  readNpy,
} from '@aekit/datasets';
import { imageGrid, writePng } from '@aekit/eval/images';
import { createSession, type OnnxSession } from '@aekit/onnx-backend';
import { type Command, Option } from 'commander';
import { getIo } from '../io.js';
import { chooseMissing, type MissingFill, onnxMissingFill } from '../missing-fill.js';
import { choiceOption, intOption } from '../parse-options.js';
import { type DataInputOptions, dataInputOptions, isDataInput, readDataInput } from './data-input-options.js';

interface RunOptions extends DataInputOptions {
  model: string;
  input: string[];
  out: string;
  device: Device;
  format: 'npy' | 'json';
  limit?: number;
  show: number;
  fit: FitPolicy;
}

/** Samples read from input files: stacked float32 values and the shape of one sample. */
interface Samples {
  data: Float32Array;
  shape: number[];
  count: number;
  /** How the file's own array looked (a .npy's shape), for error messages. */
  source?: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Image extensions `aekit run` decodes with `decodeImage` of @aekit/datasets. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** Throws a DataError naming the file and the first positions when `data` holds NaN or ±Infinity. */
function requireFiniteInput(data: Float32Array, file: string): void {
  requireFinite(data, file, { fix: 'fix the file (NaN, ±Infinity or numbers beyond float32)' });
}

/**
 * Samples of one input file: PNG/JPEG images as [h, w, c] in [0, 1] (c: the model's channels, 1 or 3), IDX
 * (.gz) images / 255, .npy arrays (a 1-D array is one sample) and JSON arrays ({"shape", "data"}, what
 * --format json writes) as they are.
 */
async function readSamples(file: string, sampleShape: readonly number[], fit: FitPolicy): Promise<Samples> {
  if (isDirectory(file)) {
    // A folder of images, as "aekit train --data <folder>" reads it: every image brought to the model's size.
    if (!isImage(sampleShape)) {
      throw new DataError(
        'DATA_INVALID',
        `input "${file}" is a folder of images, but the model takes samples of shape ${formatShape(sampleShape)}, not images; pass a .npy or .json array`,
        { details: { file, expected: sampleShape } },
      );
    }
    const [height, width, channels] = sampleShape as [number, number, 1 | 3];
    const folder = await loadImageFolder(file, { size: [height, width], channels, fit });
    return { data: folder.images, shape: [...folder.sampleShape], count: folder.count };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `cannot read input "${file}": ${(cause as Error).message}`, {
      cause,
    });
  }
  const ext = extname(file).toLowerCase();
  if (IMAGE_EXTENSIONS.has(ext)) {
    const channels = sampleShape[sampleShape.length - 1] === 3 ? 3 : 1;
    const image = decodeImage(bytes, file);
    return { data: imageChannels(image, channels), shape: [image.height, image.width, channels], count: 1 };
  }
  if (ext === '.npy') {
    const npy = readNpy(bytes, file);
    if (npy.shape.length === 0) {
      throw new DataError(
        'DATA_INVALID',
        `${file} holds a single number (shape ()), expected samples: an array of shape (n, ${sampleShape.join(', ')}) or one sample of shape (${sampleShape.join(', ')})`,
        { details: { file, actual: npy.shape } },
      );
    }
    const data = Float32Array.from(npy.data as ArrayLike<number>);
    requireFiniteInput(data, file);
    // A 1-D array is one sample (a code, a row of features); otherwise the first axis counts the samples.
    if (npy.shape.length === 1)
      return { data, shape: [...npy.shape], count: 1, source: formatNpyShape(npy.shape) };
    return { data, shape: npy.shape.slice(1), count: npy.shape[0]!, source: formatNpyShape(npy.shape) };
  }
  if (ext === '.json') {
    const array = parseJsonArray(bytes, file);
    return { data: array.data, shape: array.shape.slice(1), count: array.shape[0]! };
  }
  const idx = readIdx(bytes, file);
  const [count = 0, ...rest] = idx.dims;
  const shape = rest.length === 2 ? [...rest, 1] : rest;
  const data = new Float32Array(idx.data.length);
  for (let i = 0; i < data.length; i++) data[i] = idx.data[i]! / 255;
  return { data, shape, count };
}

function concat(parts: readonly Samples[], file: string[]): Samples {
  const shape = parts[0]!.shape;
  for (const [i, p] of parts.entries()) {
    if (shapeSize(p.shape) !== shapeSize(shape)) {
      throw new DataError(
        'DATA_INVALID',
        `input "${file[i]}" holds samples of shape ${formatShape(p.shape)}, the first input ${formatShape(shape)}; pass inputs of one shape`,
      );
    }
  }
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { data, shape, count: parts.reduce((n, p) => n + p.count, 0) };
}

/** A .npy (float32, C order, format 1.0) of `data` with `shape`. */
function npy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}

function isImage(shape: readonly number[]): boolean {
  return shape.length === 3 && (shape[2] === 1 || shape[2] === 3);
}

async function writeArray(
  out: string,
  name: string,
  data: Float32Array,
  shape: number[],
  format: 'npy' | 'json',
) {
  if (format === 'json') {
    const path = join(out, `${name}.json`);
    await writeFileAtomic(path, new TextEncoder().encode(formatJsonArray(data, shape)));
    return path;
  }
  const path = join(out, `${name}.npy`);
  await writeFileAtomic(path, npy(data, shape));
  return path;
}

async function runModel(session: OnnxSession, x: Samples, options: RunOptions): Promise<string[]> {
  const info = session.info!;
  const written: string[] = [];
  const n = x.count;
  const show = Math.min(options.show, n);
  const per = shapeSize(x.shape);
  if (info.part === 'encoder' || info.part === 'full') {
    if (info.kind === 'vae') {
      const { mean, logVar } = await session.encodeDistribution(x.data);
      written.push(await writeArray(options.out, 'latents', mean, [n, ...info.latentShape], options.format));
      written.push(await writeArray(options.out, 'logvar', logVar, [n, ...info.latentShape], options.format));
    } else {
      const z = await session.encode(x.data);
      written.push(await writeArray(options.out, 'latents', z, [n, ...info.latentShape], options.format));
    }
  }
  if (info.part === 'full' || info.part === 'decoder') {
    const y = info.part === 'full' ? await session.reconstruct(x.data) : await session.decode(x.data);
    const outShape = info.outputShape;
    if (isImage(outShape)) {
      const rows = [y.subarray(0, show * shapeSize(outShape))];
      if (info.part === 'full' && isImage(x.shape)) rows.unshift(x.data.subarray(0, show * per));
      const path = join(options.out, 'reconstructions.png');
      await writePng(path, imageGrid(rows, outShape, { columns: Math.min(show, 16) }));
      written.push(path);
    }
    written.push(await writeArray(options.out, 'reconstructions', y, [n, ...outShape], options.format));
  }
  return written;
}

/** `aekit run`: an exported ONNX model on IDX/PNG/NPY inputs; writes latents and/or a reconstruction grid. */
export function registerRunCommand(program: Command): void {
  const command = program.command('run');
  // The table, .npz and series options first: they say how --input files of those kinds are read.
  for (const option of dataInputOptions()) command.addOption(option);
  command
    .description(
      'run an exported ONNX model on images (IDX, PNG, JPEG) or arrays (.npy/.json) with ONNX Runtime',
    )
    .requiredOption('--model <file>', 'the .onnx file (from "aekit export")')
    .requiredOption(
      '--input <files...>',
      'IDX(.gz), PNG or JPEG images or a folder of them (encoder/full); .npy or .json arrays ({"shape", "data"}, as --format json writes)',
    )
    .addOption(
      new Option(
        '--fit <policy>',
        "how a folder's images are brought to the model's size, as aekit train --fit: crop, resize or pad",
      )
        .argParser(choiceOption('--fit', FIT_POLICIES))
        .default(DEFAULT_FIT),
    )
    .option('--out <dir>', 'output directory: latents.npy, reconstructions.png / .npy', 'onnx-out')
    .addOption(
      new Option('--device <device>', `ONNX Runtime device: ${DEVICE_NAMES.join(', ')}`)
        .argParser(choiceOption('--device', DEVICE_NAMES))
        .default('auto'),
    )
    .addOption(
      new Option('--format <format>', 'format of latents and raw outputs')
        .argParser(choiceOption('--format', ['npy', 'json'] as const))
        .default('npy'),
    )
    .addOption(
      new Option('--limit <n>', 'use the first n samples only')
        .argParser(intOption('--limit', 1))
        .default(undefined, 'all'),
    )
    .option('--show <n>', 'samples drawn in reconstructions.png', intOption('--show', 1, 256), 16)
    .action(async (options: RunOptions) => {
      const io = getIo();
      const probe = await createSession(options.model, { device: options.device });
      try {
        const info = probe.info;
        if (!info) {
          throw new DataError(
            'DATA_INVALID',
            `${options.model} has no aekit metadata; "aekit run" needs a model from "aekit export"`,
          );
        }
        const parts: Samples[] = [];
        const notes: string[] = [];
        // A table's gaps: --missing, else the model's own policy (its training means under mean).
        let missing: MissingFill | undefined;
        for (const file of options.input) {
          // Tables, .npz arrays and series windows as "aekit train --data" reads them.
          if (isDataInput(file, options)) {
            missing ??= chooseMissing(
              options.missing,
              onnxMissingFill(new Uint8Array(await readFile(options.model))),
              options.model,
            );
            const part = await readDataInput(file, options, missing);
            parts.push(part);
            notes.push(...part.notes);
          } else {
            parts.push(await readSamples(file, info.inputShape, options.fit));
          }
        }
        let x = concat(parts, options.input);
        if (shapeSize(x.shape) !== shapeSize(info.inputShape)) {
          const first = parts[0]!;
          const want = info.inputShape;
          const fix =
            info.part !== 'decoder' && want.length === 3 && (want[2] === 1 || want[2] === 3)
              ? `pass ${want[0]}x${want[1]} images (${want[2]} channel${want[2] === 1 ? '' : 's'}) or an array of shape ${formatNpyShape([1, ...want]).replace('(1,', '(n,')}`
              : `pass an array of shape ${formatNpyShape([1, ...want]).replace('(1,', '(n,')} (or one sample of shape ${formatNpyShape(want)})`;
          throw new ShapeMismatchError(
            `input "${options.input[0]}" holds samples of shape ${formatShape(first.shape)}${first.source ? ` (its array is ${first.source})` : ''}, but ${options.model} ("${info.name}", ${info.part}) takes samples of shape ${formatShape(want)}; ${fix}`,
            want,
            first.shape,
          );
        }
        x = { ...x, shape: [...info.inputShape] };
        if (options.limit !== undefined && options.limit < x.count) {
          x = { ...x, data: x.data.subarray(0, options.limit * shapeSize(x.shape)), count: options.limit };
        }
        await mkdir(options.out, { recursive: true });
        const written = await runModel(probe, x, options);
        io.out(
          `${info.part} "${info.name}" on ${probe.runtime}:${probe.executionProviders.join('+')}: ${x.count} samples of ${formatShape(info.inputShape)}`,
        );
        for (const note of notes) io.out(`  ${note}`);
        for (const path of written) io.out(`  wrote ${path}`);
      } finally {
        await probe.dispose();
      }
    });
}
