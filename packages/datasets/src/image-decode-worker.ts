// Node only: the worker thread of decodeImageFiles' pool. It writes samples straight into the shared array it
// was started with and answers each chunk with the files it could not decode.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeChunk } from './image-decode-job.js';
import type { ImageSampleOptions } from './image-prepare.js';

interface Start {
  buffer: SharedArrayBuffer;
  options: ImageSampleOptions;
}

const { buffer, options } = workerData as Start;
const target = new Float32Array(buffer);
parentPort!.on('message', (chunk: { files: string[]; indices: number[] }) => {
  try {
    parentPort!.postMessage({
      done: chunk.files.length,
      bad: decodeChunk(chunk.files, chunk.indices, target, options),
    });
  } catch (error) {
    parentPort!.postMessage({
      fatal: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
