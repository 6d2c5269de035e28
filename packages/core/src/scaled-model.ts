import type { Autoencoder } from './autoencoder.js';
import { scaleValues, unscaleValues } from './spec/scaler.js';

/**
 * The model as its users see it: raw values in, raw reconstructions out. When the spec holds a scaler, inputs
 * are scaled before `encode`/`reconstruct` and outputs of `decode`/`reconstruct` mapped back (codes are not
 * scaled), as the ONNX export does inside its graph; without one, the model itself.
 */
export function withScaler<M extends Autoencoder>(model: M): Autoencoder {
  const scaler = model.spec.scaler;
  if (!scaler || model.rawValues) return model;
  const view: Autoencoder = {
    rawValues: true,
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

/**
 * The model in its scaled units, what training and the detectors' scores use: a model that takes raw values
 * (`rawValues`, e.g. an ONNX session with the scaler in its graph) is fed `unscaleValues` of the scaled inputs
 * and its outputs scaled back (codes are not scaled); any other model is itself.
 */
export function inScaledUnits<M extends Autoencoder>(model: M): Autoencoder {
  const scaler = model.spec.scaler;
  if (!scaler || !model.rawValues) return model;
  const view: Autoencoder = {
    get spec() {
      return model.spec;
    },
    encode: (x) => model.encode(unscaleValues(scaler, x)),
    decode: async (z) => scaleValues(scaler, await model.decode(z)),
    reconstruct: async (x) => scaleValues(scaler, await model.reconstruct(unscaleValues(scaler, x))),
  };
  if (model.encodeDistribution) {
    const dist = model.encodeDistribution.bind(model);
    view.encodeDistribution = (x) => dist(unscaleValues(scaler, x));
  }
  return view;
}
