import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { Tf } from '../tf.js';
import { NativeDenseRunner, type RunnerParts } from './native-dense.js';
import type { Network } from './network.js';

/** What a model's inference computes from its input (encode, reconstruct) or from codes (decode). */
export type DensePass = 'encode' | 'decode' | 'reconstruct';

/**
 * A dense stack's inference (engine/native-dense.ts) as direct calls into aekit's wasm SIMD kernels, up to
 * `rows` samples per call, on buffers allocated once: the products the engine's inference forward pass runs
 * (aekit's Dense kernel, the output's sigmoid inside it), so bitwise the same values, without a tfjs tensor,
 * kernel dispatch and tidy per layer and call. `encode` is the code (a VAE's mean), `decode` the decoder on
 * codes, `reconstruct` both.
 */
export class NativeDensePredict extends NativeDenseRunner {
  private readonly input: TensorInfo;
  private readonly encoderOut: TensorInfo[];
  private readonly mean: TensorInfo | undefined;
  private readonly decoderOut: TensorInfo[];

  private constructor(
    tf: Tf,
    parts: RunnerParts,
    /** Samples per call at most. */
    readonly rows: number,
  ) {
    super(tf, parts);
    const { encoder, heads, decoder } = this.stages;
    this.input = this.make(rows * Math.max(this.inputSize, this.codeSize));
    this.encoderOut = encoder.map((s) => this.make(rows * s.units));
    this.mean = heads ? this.make(rows * heads.mean.units) : undefined;
    this.decoderOut = decoder.map((s) => this.make(rows * s.units));
    this.reserveScratch(Math.max(...this.all.map((s) => s.inputs)));
  }

  /** The native inference of this network on the active backend, or undefined where it does not apply. */
  static create(tf: Tf, network: Network, rows: number): NativeDensePredict | undefined {
    const parts = NativeDenseRunner.parts(tf, network);
    return parts && new NativeDensePredict(tf, parts, rows);
  }

  /** Values per sample that `pass` takes and returns. */
  sizes(pass: DensePass): [input: number, output: number] {
    if (pass === 'encode') return [this.inputSize, this.codeSize];
    return [pass === 'decode' ? this.codeSize : this.inputSize, this.outputSize];
  }

  /** `pass` on `count` (at most `rows`) samples of x, written into `into` from `offset`. */
  run(pass: DensePass, x: Float32Array, count: number, into: Float32Array, offset: number): void {
    const { encoder, heads, decoder } = this.stages;
    const [inSize, outSize] = this.sizes(pass);
    this.view(this.input, count * inSize).set(x.subarray(0, count * inSize));
    let out = this.input;
    if (pass !== 'decode') {
      this.forward(encoder, this.at(out), this.encoderOut, count);
      if (encoder.length > 0) out = this.encoderOut.at(-1)!;
      if (heads && this.mean) {
        // In inference a VAE's code is the mean.
        this.forward([heads.mean], this.at(out), [this.mean], count);
        out = this.mean;
      }
    }
    if (pass !== 'encode') {
      this.forward(decoder, this.at(out), this.decoderOut, count);
      out = this.decoderOut.at(-1)!;
    }
    into.set(this.view(out, count * outSize), offset);
  }
}
