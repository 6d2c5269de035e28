import type { Autoencoder } from './autoencoder.js';
import { scaleValues, unscaleValues } from './spec/scaler.js';

/**
 * The model as its users see it: raw values in, raw reconstructions out. When the spec holds a scaler, inputs
 * are scaled before `encode`/`reconstruct` and outputs of `decode`/`reconstruct` mapped back (codes are not
 * scaled), as the ONNX export does inside its graph; without one, the model itself.
 */
export function withScaler<M extends Autoencoder>(model: M): Autoencoder {
  const scaler = model.spec.scaler;
  if (!scaler) return model;
  const view: Autoencoder = {
    get spec() {
      return model.spec;
    },
    encode: (x) => model.encode(scaleValues(scaler, x)),
    decode: async (z) => unscaleValues(scaler, await model.decode(z)),
    reconstruct: async (x) => unscaleValues(scaler, await model.reconstruct(scaleValues(scaler, x))),
  };
  if (model.encodeDistribution) {
    const dist = model.encodeDistribution.bind(model);
    view.encodeDistribution = (x) => dist(scaleValues(scaler, x));
  }
  return view;
}
