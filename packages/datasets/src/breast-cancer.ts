import { readFileSync } from 'node:fs';
import { DataError, infoOnce } from '@aekit/core';
import { parseCsv, type TabularData } from './csv.js';
import { type FileSource, locateFile } from './packaged-data.js';

/** The 30 feature names of the Wisconsin diagnostic breast-cancer data, as scikit-learn names them. */
export const BREAST_CANCER_FEATURES: readonly string[] = ['mean', 'error', 'worst'].flatMap((kind) =>
  [
    'radius',
    'texture',
    'perimeter',
    'area',
    'smoothness',
    'compactness',
    'concavity',
    'concave points',
    'symmetry',
    'fractal dimension',
  ].map((f) => (kind === 'mean' ? `mean ${f}` : kind === 'error' ? `${f} error` : `worst ${f}`)),
);

export interface BreastCancerData extends TabularData {
  readonly labels: Float32Array;
  /** Label names: 0 = malignant, 1 = benign (as scikit-learn). */
  readonly labelNames: ['malignant', 'benign'];
  readonly source: FileSource;
}

const SYSTEM_PATHS = ['/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv'];

/**
 * scikit-learn's bundled Wisconsin diagnostic breast-cancer data: 569 rows of 30 features, labels
 * 0 = malignant (212), 1 = benign (357). Read from `path`, else from an installed scikit-learn (Debian's
 * python3-sklearn), else from the copy shipped in this package. Features are raw (use `minMaxScale`).
 */
export function loadBreastCancer(options: { path?: string } = {}): BreastCancerData {
  const source = locateFile(
    'breast_cancer.csv',
    options.path,
    SYSTEM_PATHS,
    'breast-cancer/breast_cancer.csv',
  );
  const text = readFileSync(source.path, 'utf8');
  // scikit-learn's format: a first line "569,30,malignant,benign", then rows of 30 features and the target.
  const meta = (text.slice(0, text.indexOf('\n')) || '').split(',').map((c) => c.trim());
  const [rows, columns] = [Number(meta[0]), Number(meta[1])];
  if (meta.length !== 4 || meta[2] !== 'malignant' || meta[3] !== 'benign' || columns !== 30) {
    throw new DataError(
      'DATA_INVALID',
      `${source.path}:1: expected the header "569,30,malignant,benign", got "${meta.join(',')}"`,
      { details: { file: source.path, expected: '569,30,malignant,benign', actual: meta.join(',') } },
    );
  }
  const table = parseCsv(text, { skipLines: 1, hasHeader: false, labelColumn: 30 }, source.path);
  if (table.count !== rows || table.featureCount !== 30) {
    throw new DataError(
      'DATA_INVALID',
      `${source.path}: header announces ${rows} rows of 30 features, got ${table.count} rows of ${table.featureCount}`,
      { details: { file: source.path, expected: rows, actual: table.count } },
    );
  }
  const labels = table.labels!;
  const bad = labels.findIndex((l) => l !== 0 && l !== 1);
  if (bad >= 0) {
    throw new DataError('DATA_INVALID', `${source.path}:${bad + 2}: label ${labels[bad]} is not 0 or 1`, {
      details: { file: source.path, line: bad + 2, actual: labels[bad] },
    });
  }
  infoOnce(
    `breast-cancer:${source.path}`,
    `breast cancer: ${rows} rows from ${source.kind} (${source.path})`,
  );
  return {
    ...table,
    labels,
    columns: [...BREAST_CANCER_FEATURES],
    labelColumn: 'target',
    labelNames: ['malignant', 'benign'],
    source,
  };
}
