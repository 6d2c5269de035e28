import { readFileSync } from 'node:fs';
import { DataError, infoOnce } from '@aekit/core';
import { readNpz } from './npz.js';
import { type FileSource, locateFile } from './packaged-data.js';

/** A single-lead ECG recording. */
export interface EcgSeries {
  /** The signal in millivolts. */
  readonly signal: Float32Array;
  /** Samples per second (360). */
  readonly samplingRate: number;
  readonly unit: 'mV';
  readonly count: number;
  readonly source: FileSource;
}

const SYSTEM_PATHS = [
  '/usr/lib/python3/dist-packages/scipy/misc/ecg.dat',
  '/usr/lib/python3/dist-packages/scipy/datasets/ecg.dat',
];

/**
 * The ECG excerpt SciPy 1.10 ships as `scipy/misc/ecg.dat` (`scipy.misc.electrocardiogram`): 5 minutes of
 * lead MLII of record 208 of the MIT-BIH Arrhythmia Database, 108,000 samples at 360 Hz, in millivolts
 * (`(raw - 1024) / 200`). Read from `path`, else from an installed SciPy (Debian's python3-scipy), else
 * from the copy shipped in this package.
 */
export function loadEcg(options: { path?: string } = {}): EcgSeries {
  const source = locateFile('ecg.dat', options.path, SYSTEM_PATHS, 'ecg/ecg.dat');
  const arrays = readNpz(new Uint8Array(readFileSync(source.path)), source.path);
  const ecg = arrays.get('ecg');
  if (ecg?.dtype !== '<u2' || ecg.shape.length !== 1) {
    throw new DataError(
      'DATA_INVALID',
      `${source.path}: expected a 1-D uint16 array "ecg", got ${ecg ? `${ecg.dtype} of shape (${ecg.shape})` : `arrays ${[...arrays.keys()].join(', ')}`}`,
      { details: { file: source.path } },
    );
  }
  const signal = new Float32Array(ecg.data.length);
  for (let i = 0; i < signal.length; i++) signal[i] = (ecg.data[i]! - 1024) / 200;
  infoOnce(`ecg:${source.path}`, `ecg: ${signal.length} samples from ${source.kind} (${source.path})`);
  return { signal, samplingRate: 360, unit: 'mV', count: signal.length, source };
}
