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
  return through(
    model,
    (x) => scaleValues(scaler, x),
    (y) => unscaleValues(scaler, y),
    true,
  );
}

/**
 * The model in its scaled units, what training and the detectors' scores use: a model that takes raw values
 * (`rawValues`, e.g. an ONNX session with the scaler in its graph) is fed `unscaleValues` of the scaled inputs
 * and its outputs scaled back (codes are not scaled); any other model is itself.
 */
export function inScaledUnits<M extends Autoencoder>(model: M): Autoencoder {
  const scaler = model.spec.scaler;
  if (!scaler || !model.rawValues) return model;
  return through(
    model,
    (x) => unscaleValues(scaler, x),
    (y) => scaleValues(scaler, y),
  );
}

/**
 * `model` seen through a change of units: inputs of `encode`/`reconstruct`/`encodeDistribution` go through
 * `into`, outputs of `decode`/`reconstruct` through `back`; codes are left as they are.
 */
function through(
  model: Autoencoder,
  into: (x: Float32Array) => Float32Array,
  back: (y: Float32Array) => Float32Array,
  rawValues?: true,
): Autoencoder {
  const view: Autoencoder = {
    ...(rawValues && { rawValues }),
    get spec() {
      return model.spec;
    },
    encode: (x) => model.encode(into(x)),
    decode: async (z) => back(await model.decode(z)),
    reconstruct: async (x) => back(await model.reconstruct(into(x))),
  };
  if (model.encodeDistribution) {
    const dist = model.encodeDistribution.bind(model);
    view.encodeDistribution = (x) => dist(into(x));
  }
  return view;
}
