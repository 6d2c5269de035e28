/**
 * The breast-cancer protocol shared by bench/tabular.ts (docs/tabular-anomaly.md) and its test,
 * e2e/eval-tabular-anomaly.test.ts: scikit-learn's Wisconsin data with the malignant rows as the anomalies,
 * features min-max scaled to [0, 1] on the training rows, and a 30-16-8-16-30 dense autoencoder with a sigmoid
 * output against PCA with 8 components and kNN.
 */
import type { TrainingBackend } from '@aekit/core';
import { fitMinMax, loadBreastCancer } from '@aekit/datasets';
import type { AnomalyTable, TabularAnomalyOptions } from '@aekit/eval/anomaly';
import { deepAutoencoder } from '@aekit/models';

export const TABULAR_AE = { hidden: [16], latentDim: 8, epochs: 150, batchSize: 32, learningRate: 5e-3 };

/** 569 rows of 30 features; anomaly = malignant (212 rows), normal = benign (357 rows). */
export function breastCancerTable(): AnomalyTable {
  const data = loadBreastCancer();
  return {
    features: data.features,
    featureCount: data.featureCount,
    anomaly: Uint8Array.from(data.labels, (l) => (l === 0 ? 1 : 0)),
  };
}

/** `tabularAnomaly` options of the protocol, the autoencoder trained on `backend`. */
export function breastCancerOptions(backend: TrainingBackend): TabularAnomalyOptions {
  return {
    trainFraction: 0.6,
    fitScaler: fitMinMax,
    components: TABULAR_AE.latentDim,
    k: 5,
    threshold: { percentile: 95 },
    async trainAutoencoder(train, { featureCount, seed }) {
      const spec = deepAutoencoder({
        inputShape: [featureCount],
        hidden: TABULAR_AE.hidden,
        latentDim: TABULAR_AE.latentDim,
        latentActivation: 'linear',
        loss: 'mse',
      });
      const model = await backend.createModel(spec, { seed });
      const { epochs, batchSize, learningRate } = TABULAR_AE;
      await model.fit({ x: train }, { epochs, batchSize, learningRate, seed });
      return model;
    },
  };
}
