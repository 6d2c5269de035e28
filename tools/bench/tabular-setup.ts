/**
 * The tabular protocols shared by bench/tabular.ts (docs/tabular-anomaly.md) and its test,
 * e2e/eval-tabular-anomaly.test.ts: scikit-learn's bundled tables with a stated anomaly definition, features
 * min-max scaled to [0, 1] on the training rows, and a dense autoencoder with a sigmoid output against PCA with
 * as many components as its code and kNN.
 *
 * - breast cancer (Wisconsin diagnostic): malignant rows are the anomalies; a 30-16-8-16-30 autoencoder.
 * - wine (UCI, three cultivars): cultivar 0 (scikit-learn's class_0) is the anomaly, cultivars 1 and 2 the
 *   normal rows, as the ODDS outlier suite's "wine" defines it (ODDS keeps 10 of class 0's 59 rows; here all
 *   59 are in the test set); a 13-8-4-8-13 autoencoder.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TrainingBackend } from '@aekit/core';
import { fitMinMax, loadBreastCancer, loadCsv } from '@aekit/datasets';
import type { AnomalyTable, TabularAnomalyOptions } from '@aekit/eval/anomaly';
import { deepAutoencoder } from '@aekit/models';

/** The dense autoencoder of a protocol and how it trains; PCA gets `latentDim` components. */
export interface TabularAutoencoder {
  hidden: number[];
  latentDim: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export const TABULAR_AE: TabularAutoencoder = {
  hidden: [16],
  latentDim: 8,
  epochs: 150,
  batchSize: 32,
  learningRate: 5e-3,
};
/**
 * Wine: 13 features, so a code of 4 (about the breast-cancer code's share of its 30 features); 71 training rows
 * (3 batches an epoch), so 300 epochs (about the breast-cancer run's number of steps). Chosen before any run.
 */
export const WINE_AE: TabularAutoencoder = {
  hidden: [8],
  latentDim: 4,
  epochs: 300,
  batchSize: 32,
  learningRate: 5e-3,
};

/** 569 rows of 30 features; anomaly = malignant (212 rows), normal = benign (357 rows). */
export function breastCancerTable(): AnomalyTable {
  const data = loadBreastCancer();
  return {
    features: data.features,
    featureCount: data.featureCount,
    anomaly: Uint8Array.from(data.labels, (l) => (l === 0 ? 1 : 0)),
  };
}

/** scikit-learn's `datasets/data` folder, from the Python that has it (Debian's python3-sklearn). */
function sklearnDataDir(): string {
  const code = 'import sklearn, os; print(os.path.dirname(sklearn.__file__))';
  try {
    return join(
      execFileSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' }).trim(),
      'datasets',
      'data',
    );
  } catch (cause) {
    throw new Error('the wine table needs scikit-learn (apt-get install python3-sklearn)', { cause });
  }
}

/** The wine file: a first line "178,13,class_0,class_1,class_2", then 13 features and the class per row. */
export function wineFile(): string {
  return join(sklearnDataDir(), 'wine_data.csv');
}

/** 178 rows of 13 features; anomaly = cultivar 0 (59 rows), normal = cultivars 1 and 2 (71 + 48 rows). */
export function wineTable(): AnomalyTable {
  const data = loadCsv(wineFile(), { skipLines: 1, hasHeader: false, labelColumn: 13 });
  if (data.count !== 178 || data.featureCount !== 13) {
    throw new Error(
      `${wineFile()}: expected 178 rows of 13 features, got ${data.count} of ${data.featureCount}`,
    );
  }
  return {
    features: data.features,
    featureCount: data.featureCount,
    anomaly: Uint8Array.from(data.labels ?? [], (l) => (l === 0 ? 1 : 0)),
  };
}

/** `tabularAnomaly` options of a protocol, the autoencoder `ae` trained on `backend`. */
export function tabularOptions(backend: TrainingBackend, ae: TabularAutoencoder): TabularAnomalyOptions {
  return {
    trainFraction: 0.6,
    fitScaler: fitMinMax,
    components: ae.latentDim,
    k: 5,
    threshold: { percentile: 95 },
    async trainAutoencoder(train, { featureCount, seed }) {
      const spec = deepAutoencoder({
        inputShape: [featureCount],
        hidden: ae.hidden,
        latentDim: ae.latentDim,
        latentActivation: 'linear',
        loss: 'mse',
      });
      const model = await backend.createModel(spec, { seed });
      const { epochs, batchSize, learningRate } = ae;
      await model.fit({ x: train }, { epochs, batchSize, learningRate, seed });
      return model;
    },
  };
}

/** `tabularAnomaly` options of the breast-cancer protocol, the autoencoder trained on `backend`. */
export function breastCancerOptions(backend: TrainingBackend): TabularAnomalyOptions {
  return tabularOptions(backend, TABULAR_AE);
}
