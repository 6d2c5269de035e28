import { ExportError } from './errors.js';
import type { DetectorFlows } from './export-onnx.js';
import { type GraphBuilder, valueInfo } from './graph-builder.js';
import { toSpecLayout } from './layers-to-onnx.js';
import { IO_NAMES } from './metadata.js';
import { onnx } from './proto.js';

/** Probabilities are clipped to [BCE_EPSILON, 1 - BCE_EPSILON] before the logarithms, as the ELBO of eval does. */
const BCE_EPSILON = 1e-7;

/**
 * Stored codes compared with an input row in one step: the differences of one chunk take at most this many
 * float32 values per input row (256 KiB), whatever the number of stored codes.
 */
export const KNN_CHUNK_VALUES = 1 << 16;

/** What the score nodes compute (the parts of an aekit detector's score). */
export interface ScoreGraphOptions {
  /**
   * The reconstruction part: the per-feature error (`mse` squared, `mae` absolute, `nmse` squared / the stored
   * scale) and its mean per sample; or `elbo`, the negative ELBO (the loss's per-feature term summed, plus beta
   * times the closed-form KL of the mean and log-variance heads).
   */
  error?:
    | { kind: 'mse' | 'mae' }
    | { kind: 'nmse'; featureScale: Float32Array }
    | { kind: 'elbo'; loss: 'bce' | 'mse'; beta: number };
  /**
   * The latent part: Euclidean distance from the input's code to the k-th nearest of `codes` [count, size];
   * with `scale`, between standardised codes, `(code - mean) / std` per code value on both sides.
   */
  latent?: {
    codes: Float32Array;
    count: number;
    k: number;
    scale?: { mean: Float32Array; std: Float32Array };
  };
  /** Both parts: [mean, std] of each on the calibration data; the score is the sum of their z-scores. */
  normalisation?: { error: [number, number]; latent: [number, number] };
  threshold: number;
}

const boolOutput = (name: string): onnx.ValueInfoProto.$Properties => ({
  name,
  type: {
    tensorType: { elemType: onnx.TensorProto.DataType.BOOL, shape: { dim: [{ dimParam: 'batch' }] } },
  },
});

/** Per-feature error and the per-sample error score; the per-feature values become `feature_errors`. */
function errorScore(
  g: GraphBuilder,
  flows: DetectorFlows,
  error: NonNullable<ScoreGraphOptions['error']>,
): string {
  const y = flows.reconstruction;
  if (y === undefined) throw new ExportError('detector graph: the error score needs the reconstruction');
  const axes = flows.outputShape.map((_, i) => i + 1);
  const diff = g.node('Sub', [y.name, flows.input], 'error_diff');
  let perFeature: string;
  if (error.kind === 'mae') perFeature = g.node('Abs', [diff], 'error_abs');
  else if (error.kind === 'elbo' && error.loss === 'bce') {
    // -(t log q + (1 - t) log(1 - q)), q = clip(p); 1 - q as clip(1 - p), exact in float32 near p = 1.
    const lo = g.floats('bce_epsilon', [], Float32Array.of(BCE_EPSILON));
    const hi = g.floats('bce_one_minus_epsilon', [], Float32Array.of(1 - BCE_EPSILON));
    const one = g.floats('bce_one', [], Float32Array.of(1));
    const q = g.node('Clip', [y.name, lo, hi], 'bce_p');
    const q1 = g.node('Clip', [g.node('Sub', [one, y.name], 'bce_1_p'), lo, hi], 'bce_1_p_clipped');
    const t1 = g.node('Sub', [one, flows.input], 'bce_1_t');
    const ll = g.node(
      'Add',
      [
        g.node('Mul', [flows.input, g.node('Log', [q], 'bce_log_p')], 'bce_t_log_p'),
        g.node('Mul', [t1, g.node('Log', [q1], 'bce_log_1_p')], 'bce_1_t_log_1_p'),
      ],
      'bce_log_likelihood',
    );
    perFeature = g.node('Neg', [ll], 'bce_per_feature');
  } else {
    const squared = g.node('Mul', [diff, diff], 'error_squared');
    perFeature =
      error.kind === 'nmse'
        ? g.node(
            'Div',
            [squared, g.floats('feature_scale', [...flows.outputShape], error.featureScale)],
            'error_normalised',
          )
        : error.kind === 'elbo'
          ? g.node('Mul', [squared, g.floats('half', [], Float32Array.of(0.5))], 'error_half_squared')
          : squared;
  }
  g.rename(g.node('Identity', [perFeature], 'feature_errors_identity'), g.reserve(IO_NAMES.featureErrors));
  if (error.kind !== 'elbo') {
    return g.node('ReduceMean', [IO_NAMES.featureErrors], 'error_score', { axes, keepdims: 0 });
  }
  const reconstruction = g.node(
    'ReduceSum',
    [IO_NAMES.featureErrors, g.ints('error_axes', axes)],
    'elbo_rec',
    {
      keepdims: 0,
    },
  );
  const m = flows.code;
  const lv = flows.logVar;
  if (lv === undefined) throw new ExportError('detector graph: the elbo score needs the log-variance head');
  // KL(N(m, exp(lv)) || N(0, I)) = -0.5 sum(1 + lv - m^2 - exp(lv)), weighted by beta.
  const inner = g.node(
    'Sub',
    [
      g.node(
        'Sub',
        [
          g.node('Add', [lv.name, g.floats('kl_one', [], Float32Array.of(1))], 'kl_1_lv'),
          g.node('Mul', [m.name, m.name], 'kl_m2'),
        ],
        'kl_1_lv_m2',
      ),
      g.node('Exp', [lv.name], 'kl_var'),
    ],
    'kl_terms',
  );
  const kl = g.node('ReduceSum', [inner, g.ints('kl_axes', [1])], 'kl_sum', { keepdims: 0 });
  const weighted = g.node('Mul', [kl, g.floats('kl_weight', [], Float32Array.of(-0.5 * error.beta))], 'kl');
  return g.node('Add', [reconstruction, weighted], 'negative_elbo');
}

/**
 * Distance from each input's code to the k-th nearest stored code (both standardised when the detector has a
 * code scale: Sub mean, Div std, folded on the stored side by ONNX Runtime): the codes [count, size] are an initializer,
 * compared in chunks of at most KNN_CHUNK_VALUES / size rows by direct differences, Sub [batch, rows, size] ->
 * ReduceSumSquare -> [batch, rows]; the chunks' squared distances are concatenated to [batch, count], TopK
 * (largest=0) keeps the k smallest, their ReduceMax is the k-th, its Sqrt the distance. Direct differences
 * rather than |a|^2 - 2ab + |b|^2, whose cancellation in float32 loses the small distances that matter most.
 */
function latentScore(
  g: GraphBuilder,
  flows: DetectorFlows,
  latent: NonNullable<ScoreGraphOptions['latent']>,
) {
  const size = latent.codes.length / latent.count;
  const code = toSpecLayout(g, flows.code);
  const scale = latent.scale;
  const mean = scale && g.floats('knn_code_mean', [size], scale.mean);
  const std = scale && g.floats('knn_code_std', [size], scale.std);
  const standard = (v: string, hint: string): string =>
    mean && std ? g.node('Div', [g.node('Sub', [v, mean], `${hint}_centred`), std], `${hint}_standard`) : v;
  const flat = standard(g.node('Flatten', [code.name], 'knn_code', { axis: 1 }), 'knn_code');
  const query = g.node('Unsqueeze', [flat, g.ints('knn_unsqueeze_axes', [1])], 'knn_query');
  const rows = Math.max(1, Math.floor(KNN_CHUNK_VALUES / size));
  const chunks: string[] = [];
  for (let start = 0; start < latent.count; start += rows) {
    const end = Math.min(latent.count, start + rows);
    const stored = standard(
      g.floats('knn_codes', [end - start, size], latent.codes.subarray(start * size, end * size)),
      'knn_codes',
    );
    const diff = g.node('Sub', [query, stored], 'knn_diff');
    chunks.push(g.node('ReduceSumSquare', [diff], 'knn_squared', { axes: [2], keepdims: 0 }));
  }
  const squared =
    chunks.length === 1 ? (chunks[0] as string) : g.node('Concat', chunks, 'knn_all', { axis: 1 });
  const [nearest] = g.nodeMulti(
    'TopK',
    [squared, g.ints('knn_k', [latent.k])],
    ['knn_nearest', 'knn_nearest_indices'],
    { axis: 1, largest: 0, sorted: 1 },
  );
  const kth = g.node('ReduceMax', [nearest as string], 'knn_kth_squared', { axes: [1], keepdims: 0 });
  return g.node('Sqrt', [kth], 'knn_distance');
}

/** (v - mean) / std with the stored calibration statistics. */
function zScore(g: GraphBuilder, v: string, [mean, std]: [number, number], hint: string): string {
  const centred = g.node('Sub', [v, g.floats(`${hint}_mean`, [], Float32Array.of(mean))], `${hint}_centred`);
  return g.node('Div', [centred, g.floats(`${hint}_std`, [], Float32Array.of(std))], `${hint}_z`);
}

/**
 * Appends a detector's score to a model graph: `feature_errors` [batch, ...outputShape] where the score has a
 * reconstruction part, `score` [batch] (float32) and `is_anomaly` [batch] (`score > threshold`, bool).
 */
export function appendDetectorScore(
  g: GraphBuilder,
  flows: DetectorFlows,
  options: ScoreGraphOptions,
): onnx.ValueInfoProto.$Properties[] {
  const outputs: onnx.ValueInfoProto.$Properties[] = [];
  const error = options.error && errorScore(g, flows, options.error);
  if (error !== undefined) outputs.push(valueInfo(IO_NAMES.featureErrors, ['batch', ...flows.outputShape]));
  const latent = options.latent && latentScore(g, flows, options.latent);
  let score: string;
  if (error !== undefined && latent !== undefined) {
    const n = options.normalisation;
    if (n === undefined) throw new ExportError('detector graph: a combined score needs its normalisation');
    score = g.node(
      'Add',
      [zScore(g, error, n.error, 'error'), zScore(g, latent, n.latent, 'knn')],
      'combined_score',
    );
  } else score = (error ?? latent) as string;
  g.rename(g.node('Identity', [score], 'score_identity'), g.reserve(IO_NAMES.score));
  const threshold = g.floats('threshold', [], Float32Array.of(options.threshold));
  g.rename(
    g.node('Greater', [IO_NAMES.score, threshold], 'is_anomaly_greater'),
    g.reserve(IO_NAMES.isAnomaly),
  );
  outputs.push(valueInfo(IO_NAMES.score, ['batch']), boolOutput(IO_NAMES.isAnomaly));
  return outputs;
}
