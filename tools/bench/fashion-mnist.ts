import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Where the Fashion-MNIST IDX files live on this machine (override with AEKIT_FASHION_MNIST). */
export const FASHION_MNIST_DIR = process.env.AEKIT_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';

/**
 * The first `count` Fashion-MNIST training images as float32 in [0, 1], NHWC [count, 28, 28, 1].
 * Reads the IDX gz file directly (the benchmark must not depend on the datasets package being ready).
 */
export function loadFashionMnistTrain(count: number): Float32Array {
  const raw = gunzipSync(readFileSync(`${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`));
  const magic = raw.readUInt32BE(0);
  const n = raw.readUInt32BE(4);
  const rows = raw.readUInt32BE(8);
  const cols = raw.readUInt32BE(12);
  if (magic !== 2051 || rows !== 28 || cols !== 28) {
    throw new Error(`not an IDX image file of 28x28 images: magic ${magic}, ${rows}x${cols}`);
  }
  if (count > n) throw new Error(`asked for ${count} images, the file has ${n}`);
  const out = new Float32Array(count * 784);
  for (let i = 0; i < out.length; i++) out[i] = (raw[16 + i] as number) / 255;
  return out;
}
