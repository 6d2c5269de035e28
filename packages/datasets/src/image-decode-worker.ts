// Node only: the worker thread of decodeImageFiles' pool. It decodes each chunk of files into a buffer of its own
// and hands that buffer over (transferred, not copied) with the files it could not decode.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeChunk } from './image-decode-job.js';
import type { ImageSampleOptions } from './image-prepare.js';

const { options } = workerData as { options: ImageSampleOptions };
const per = options.size[0] * options.size[1] * options.channels;
parentPort!.on('message', (chunk: { files: string[]; indices: number[] }) => {
  try {
    const samples = new Float32Array(chunk.files.length * per);
    // Indices local to the chunk: sample k of the chunk at k * per.
    const local = chunk.files.map((_, k) => k);
    const bad = decodeChunk(chunk.files, local, samples, options).map((b) => ({
      ...b,
      index: chunk.indices[b.index]!,
    }));
    parentPort!.postMessage({ first: chunk.indices[0]!, samples, bad }, [samples.buffer]);
  } catch (error) {
    parentPort!.postMessage({
      fatal: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
