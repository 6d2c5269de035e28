import { createSession } from '@aekit/onnx-backend';

/** An exported encoder/decoder pair run with onnxruntime-web's WASM backend (as in the browser). */
export interface OnnxPair {
  encode(x: Float32Array): Promise<Float32Array>;
  decode(z: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function loadOnnxPair(encoderBytes: Uint8Array, decoderBytes: Uint8Array): Promise<OnnxPair> {
  const encoder = await createSession(encoderBytes, { device: 'wasm' });
  const decoder = await createSession(decoderBytes, { device: 'wasm' });
  return {
    encode: (x) => encoder.encode(x),
    decode: (z) => decoder.decode(z),
    async release() {
      await Promise.all([encoder.dispose(), decoder.dispose()]);
    },
  };
}
