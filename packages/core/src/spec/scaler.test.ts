import { describe, expect, it } from 'vitest';
import type { Autoencoder } from '../autoencoder.js';
import { SpecValidationError } from '../errors.js';
import { inScaledUnits, withScaler } from '../scaled-model.js';
import { type Scaler, scaleValues, unscaleValues } from './scaler.js';
import { validateSpec } from './validate.js';

const table = {
  name: 't',
  inputShape: [3],
  encoder: [{ type: 'dense', units: 2 }],
  decoder: [{ type: 'dense', units: 3 }],
  loss: { reconstruction: 'mse' },
};
const scaler: Scaler = { type: 'zscore', offset: [1, -2, 100], scale: [2, 0.5, 50] };

describe('scaler in the spec', () => {
  it('is optional, kept as plain data and absent from specs without one', () => {
    expect('scaler' in validateSpec(table)).toBe(false);
    const spec = validateSpec({ ...table, scaler });
    expect(JSON.parse(JSON.stringify(spec)).scaler).toEqual(scaler);
  });

  it('names the field and the fix for a bad scaler', () => {
    expect(() => validateSpec({ ...table, scaler: { ...scaler, offset: [0, 0] } })).toThrow(
      /scaler: offset has 2 values and scale 3/,
    );
    expect(() =>
      validateSpec({ ...table, scaler: { type: 'minmax', offset: [0, 0], scale: [1, 1] } }),
    ).toThrow(/2 values per list, but the input's last axis has 3/);
    expect(() => validateSpec({ ...table, scaler: { ...scaler, scale: [1, 0, 1] } })).toThrow(
      SpecValidationError,
    );
  });

  it('scales along the last axis and inverts exactly enough', () => {
    const x = Float32Array.from([3, -1, 150, 1, -2, 100]);
    const s = scaleValues(scaler, x);
    expect([...s]).toEqual([1, 2, 1, 0, 0, 0]);
    const back = unscaleValues(scaler, s);
    expect([...back]).toEqual([...x]);
  });

  it('withScaler feeds scaled values to the model and returns raw ones', async () => {
    const spec = validateSpec({ ...table, scaler });
    const seen: number[][] = [];
    const identity: Autoencoder = {
      spec,
      encode: async (x) => {
        seen.push([...x]);
        return x.slice(0, 2);
      },
      decode: async (z) => Float32Array.from([z[0]!, z[1]!, 0]),
      reconstruct: async (x) => {
        seen.push([...x]);
        return x;
      },
    };
    const raw = withScaler(identity);
    const x = Float32Array.from([3, -1, 150]);
    expect([...(await raw.reconstruct(x))]).toEqual([3, -1, 150]);
    expect(seen[0]).toEqual([1, 2, 1]);
    expect([...(await raw.encode(x))]).toEqual([1, 2]);
    expect([...(await raw.decode(Float32Array.from([0, 0])))]).toEqual([1, -2, 100]);
    expect(withScaler({ ...identity, spec: validateSpec(table) }).reconstruct).toBe(identity.reconstruct);
    // The raw view says so: wrapping it again, or a model that scales itself, changes nothing.
    expect(raw.rawValues).toBe(true);
    expect(withScaler(raw)).toBe(raw);
    // inScaledUnits undoes it: scaled values in, scaled values out, the model fed raw ones.
    const scaledAgain = inScaledUnits(raw);
    expect([...(await scaledAgain.reconstruct(Float32Array.from([1, 2, 1])))]).toEqual([1, 2, 1]);
    expect([...(await scaledAgain.decode(Float32Array.from([0, 0])))]).toEqual([0, 0, 0]);
    expect(inScaledUnits(identity)).toBe(identity);
  });
});
