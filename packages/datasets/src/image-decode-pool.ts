// Node only: decoding a list of image files into one [n, H, W, C] array on several threads.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataError, OptionError } from '@aekit/core';
import { type BadImage, decodeChunk } from './image-decode-job.js';
import type { ImageSampleOptions } from './image-prepare.js';

export type { BadImage } from './image-decode-job.js';

/** How far `decodeImageFiles` has come: files decoded (good or bad) of `total`, `bad` of them unreadable. */
export interface DecodeProgress {
  done: number;
  total: number;
  bad: number;
}

export interface DecodeImageFilesOptions extends ImageSampleOptions {
  /**
   * Threads that decode: 1 decodes in the calling thread; more start a pool of worker threads, each handing the
   * samples of its chunks back. Default: the machine's cores (`os.availableParallelism()`, at most 8), 1 below 64 files.
   */
  workers?: number;
  /** Called after every chunk of files (from the calling thread). */
  onProgress?: (progress: DecodeProgress) => void;
  /** Decode every file and return the bad ones instead of throwing at the first (default false). */
  keepGoing?: boolean;
}

export interface DecodedImageFiles {
  /** [files.length, H, W, C] (a bad file's slot is 0). */
  images: Float32Array;
  /** The files that could not be decoded, in file order (only with `keepGoing`). */
  bad: BadImage[];
  /** Threads that decoded. */
  workers: number;
}

/** Files below this count are decoded in the calling thread by default (starting threads costs more). */
const POOL_MIN_FILES = 64;

/** How a pool thread starts: the built .js beside this file, or the .ts source under tsx's loader (tests, tools). */
interface WorkerEntry {
  /** A module URL, or (source tree) CommonJS code that registers tsx and imports the .ts entry. */
  start: URL | string;
  eval: boolean;
  execArgv: string[];
}

function workerEntry(): WorkerEntry | undefined {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return { start: new URL('./image-decode-worker.js', here), eval: false, execArgv: process.execArgv };
  }
  const entry = new URL('./image-decode-worker.ts', here).href;
  const conditions = process.execArgv.some((a) => a.startsWith('--conditions'))
    ? []
    : ['--conditions=source'];
  for (const from of [join(process.cwd(), 'noop.js'), here]) {
    try {
      const api = createRequire(from).resolve('tsx/esm/api');
      const code = `require(${JSON.stringify(api)}).register(); import(${JSON.stringify(entry)});`;
      return { start: code, eval: true, execArgv: [...process.execArgv, ...conditions] };
    } catch {
      // try the next place
    }
  }
  return undefined;
}

function badError(bad: BadImage): DataError {
  return new DataError(bad.code === 'DATA_NOT_FOUND' ? 'DATA_NOT_FOUND' : 'DATA_INVALID', bad.message, {
    details: { file: bad.file },
  });
}

/**
 * Decodes `files` (PNG/JPEG) to samples of `size` x `channels` (see `prepareImage`) into one float32 array, on
 * `workers` threads (each decodes chunks of files and hands their samples over). The first bad file (missing, not an image, corrupt, truncated, too large) throws its
 * `DataError` naming it, unless `keepGoing` returns every bad one. Node only.
 */
export async function decodeImageFiles(
  files: readonly string[],
  options: DecodeImageFilesOptions,
): Promise<DecodedImageFiles> {
  const n = files.length;
  const per = options.size[0] * options.size[1] * options.channels;
  const cores = Math.min(availableParallelism(), 8);
  const workers = options.workers ?? (n < POOL_MIN_FILES ? 1 : cores);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new OptionError(`decodeImageFiles: workers must be a positive integer, got ${workers}`, {
      details: { option: 'workers', actual: workers },
    });
  }
  const sample: ImageSampleOptions = {
    size: options.size,
    channels: options.channels,
    ...(options.fit && { fit: options.fit }),
    ...(options.maxPixels !== undefined && { maxPixels: options.maxPixels }),
  };
  const threads = Math.min(workers, Math.max(1, Math.ceil(n / 8)));
  const entry = threads > 1 ? workerEntry() : undefined;
  const chunk = Math.max(1, Math.min(32, Math.ceil(n / ((entry ? threads : 1) * 8))));
  const bad: BadImage[] = [];
  let done = 0;
  const report = (found: BadImage[], count: number) => {
    done += count;
    bad.push(...found);
    if (!options.keepGoing && found.length > 0) throw badError(found[0]!);
    options.onProgress?.({ done, total: n, bad: bad.length });
  };
  if (!entry) {
    const images = new Float32Array(n * per);
    for (let start = 0; start < n; start += chunk) {
      const indices = Array.from({ length: Math.min(chunk, n - start) }, (_, k) => start + k);
      report(
        decodeChunk(
          indices.map((i) => files[i]!),
          indices,
          images,
          sample,
        ),
        indices.length,
      );
      // Let timers (a progress bar, a signal) run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { images, bad, workers: 1 };
  }
  // A plain array (ONNX Runtime and tfjs refuse SharedArrayBuffer views): each thread hands over its chunk's
  // samples, copied into place here.
  const images = new Float32Array(n * per);
  const pool: Worker[] = [];
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const give = (worker: Worker) => {
        if (next >= n) {
          if (running === 0) resolve();
          return;
        }
        const indices = Array.from({ length: Math.min(chunk, n - next) }, (_, k) => next + k);
        next += indices.length;
        running++;
        worker.postMessage({ files: indices.map((i) => files[i]!), indices });
      };
      for (let t = 0; t < threads; t++) {
        const worker = new Worker(entry.start, {
          eval: entry.eval,
          workerData: { options: sample },
          execArgv: entry.execArgv,
        });
        pool.push(worker);
        worker.on(
          'message',
          (m: { first: number; samples: Float32Array; bad: BadImage[] } | { fatal: string }) => {
            running--;
            if ('fatal' in m) {
              reject(new Error(`image decoding thread failed: ${m.fatal}`));
              return;
            }
            images.set(m.samples, m.first * per);
            try {
              report(m.bad, m.samples.length / per);
            } catch (error) {
              reject(error);
              return;
            }
            give(worker);
          },
        );
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`image decoding thread exited with code ${code}`));
        });
      }
      for (const worker of pool) give(worker);
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  bad.sort((a, b) => a.index - b.index);
  return { images, bad, workers: threads };
}
