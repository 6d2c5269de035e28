import { readFileSync } from 'node:fs';
import { readIdx } from '@aekit/datasets';

/** Where the Fashion-MNIST IDX files live on this machine (override with AEKIT_FASHION_MNIST). */
export const FASHION_MNIST_DIR = process.env.AEKIT_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';

/** The first `count` images of a Fashion-MNIST IDX file as float32 in [0, 1], NHWC [count, 28, 28, 1]. */
export function loadFashionMnist(count: number, file = 'train-images-idx3-ubyte.gz'): Float32Array {
  const path = `${FASHION_MNIST_DIR}/${file}`;
  const { dims, data } = readIdx(new Uint8Array(readFileSync(path)), path);
  if (dims.length !== 3 || dims[1] !== 28 || dims[2] !== 28) {
    throw new Error(`${path} does not hold 28x28 images: dims ${dims.join('x')}`);
  }
  if (count > dims[0]!) throw new Error(`asked for ${count} images, ${path} has ${dims[0]}`);
  const out = new Float32Array(count * 784);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / 255;
  return out;
}

/** The first `count` Fashion-MNIST training images (see loadFashionMnist). */
export function loadFashionMnistTrain(count: number): Float32Array {
  return loadFashionMnist(count);
}
