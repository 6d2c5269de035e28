import { type ModelSpec, validateSpec } from '@aekit/core';

export interface LstmAutoencoderOptions {
  /** Length of one window. Default 128. */
  timesteps?: number;
  /** Values per time step. Default 1 (a single-lead ECG). */
  features?: number;
  /** Units of the encoder and decoder LSTMs. Default 32. */
  units?: number;
  /** Size of the code (a dense projection of the encoder's last state). Default 16. */
  latentDim?: number;
  name?: string;
}

/**
 * Recurrent sequence autoencoder: LSTM encoder (last state) -> Dense(latentDim) -> RepeatVector(timesteps) ->
 * LSTM decoder (full sequence) -> Dense(features) at each step. MSE loss with a linear output, so the series
 * may be standardised (z-scores) rather than scaled to [0, 1].
 */
export function lstmAutoencoder(options: LstmAutoencoderOptions = {}): ModelSpec {
  const timesteps = options.timesteps ?? 128;
  const features = options.features ?? 1;
  const units = options.units ?? 32;
  return validateSpec({
    name: options.name ?? 'lstm',
    inputShape: [timesteps, features],
    encoder: [
      { type: 'lstm', units },
      { type: 'dense', units: options.latentDim ?? 16, activation: 'linear' },
    ],
    decoder: [
      { type: 'repeatVector', n: timesteps },
      { type: 'lstm', units, returnSequences: true },
      { type: 'dense', units: features, activation: 'linear' },
    ],
    loss: { reconstruction: 'mse' },
    preprocessing: 'float32 windows of a standardised series (value - mean) / std',
  });
}
