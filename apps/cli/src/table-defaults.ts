/**
 * Defaults of `aekit train` for a table of `features` columns, used for every option not given on the command
 * line. Measured on scikit-learn's breast cancer (30 features) and wine (13) tables, held-out rows:
 * - model `deep`: `dense` on a table has a linear code and output, a linear autoencoder, which at best spans
 *   the PCA subspace of its code size; it matches PCA and cannot beat it. A ReLU hidden layer can.
 * - hidden `[max(32, 2 * features)]`, code `max(2, round(features / 4))`: a code smaller than the table (the
 *   general default, 32, is larger than most tables, so the model could copy its input and PCA of that size is
 *   exact).
 * - `--lr 0.003`, `--batch-size 16`, `--epochs 60`, `--patience 10`: a few hundred rows give a handful of steps
 *   per epoch; at the image defaults (lr 0.001, batch 32, 5 epochs) the model stays near the mean row.
 */
export function tableDefaults(features: number): Record<string, unknown> {
  return {
    model: 'deep',
    hidden: [Math.max(32, 2 * features)],
    latentDim: Math.max(2, Math.round(features / 4)),
    lr: 0.003,
    batchSize: 16,
    epochs: 60,
    patience: 10,
  };
}

/** Options of `aekit train` whose value is the default for a table (see `tableDefaults`). */
export const TABLE_DEFAULTED = ['model', 'hidden', 'latentDim', 'lr', 'batchSize', 'epochs', 'patience'];
