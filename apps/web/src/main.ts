import { meanMse } from '@aekit/eval/metrics';
import { AnomalyView } from './anomaly-view.js';
import { attachDrawPad } from './draw-pad.js';
import { decodeThumbnail, LatentExplorer } from './explorer.js';
import { drawingToSample, frameFill, imageFileToSample } from './image-input.js';
import type { ExplorerData, Manifest, ModelEntry } from './manifest.js';
import { lerp } from './metrics.js';
import { addGaussianNoise, normalSamples } from './noise.js';
import { checkParity } from './parity.js';
import { drawCode, drawGrid, drawSample } from './render.js';
import { loadWithFallback, type ModelRunner, type Provider } from './runtime.js';
import { attachTrainPanel } from './train-panel.js';

const MODELS_URL = `${import.meta.env.BASE_URL}models/`;
/** VAE panel: a 4 x 4 grid of samples, and A -> B in 8 steps. */
const SAMPLE_GRID = 4;
const LERP_STEPS = 8;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el;
}
const canvas = (id: string) => $(id) as HTMLCanvasElement;
const input = (id: string) => $(id) as HTMLInputElement;

const status = $('status');
const progress = $('load-progress') as HTMLProgressElement;
function setStatus(text: string, state: 'loading' | 'busy' | 'ready' | 'error'): void {
  status.textContent = text;
  status.dataset.state = state;
  if (state !== 'loading') progress.hidden = true;
}

/** Download progress of the runtime, in the status line and the progress bar. */
function onProgress(loaded: number, total: number | undefined): void {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  progress.hidden = false;
  if (total) {
    progress.max = total;
    progress.value = loaded;
  } else progress.removeAttribute('value');
  status.textContent = total
    ? `Downloading the ONNX Runtime: ${mb(loaded)} of ${mb(total)} MB (${Math.round((100 * loaded) / total)}%)`
    : `Downloading the ONNX Runtime: ${mb(loaded)} MB`;
}

/** Where the current input came from: a test image names its dataset, so a model switch can replace it. */
type Source = { kind: 'test'; dataset: string } | { kind: 'drawing' } | { kind: 'upload'; name: string };

let manifest: Manifest;
let runner: ModelRunner | undefined;
let explorerData: ExplorerData | undefined;
let current: Float32Array | undefined;
let source: Source | undefined;
let currentCode: Float32Array | undefined;
let lerpA: Float32Array | undefined;
let lerpB: Float32Array | undefined;
let sampleSeed = 1;
/** An upload framed as the anomaly detector's dataset frames its images (it may differ from the model's). */
let uploadForDetector: Float32Array | undefined;
/** Serialises model calls: a new request waits for the running one. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(task: () => Promise<T>): Promise<T | undefined> {
  const next = queue.then(async () => {
    setStatus('Running…', 'busy');
    try {
      const result = await task();
      setStatus(`Ready · ${runner?.entry.title ?? ''}`, 'ready');
      return result;
    } catch (error) {
      console.error(error);
      setStatus(`Error: ${error instanceof Error ? error.message : String(error)}`, 'error');
      return undefined;
    }
  });
  queue = next;
  return next;
}

const size = () => {
  const [h, w] = runner?.entry.inputShape ?? [28, 28, 1];
  return { w, h, n: w * h };
};

async function refresh(): Promise<void> {
  if (!runner || !current) return;
  const { w, h } = size();
  drawSample(canvas('input-view'), current, w, h);
  const z = await runner.encode(current);
  currentCode = z;
  const recon = await runner.decode(z);
  drawSample(canvas('recon-view'), recon, w, h);
  const error = meanMse(current, recon);
  $('recon-error').textContent = `MSE ${error.toFixed(4)}`;
  $('recon-error').dataset.mse = String(error);
  const description = drawCode(canvas('latent'), z, runner.entry.latentShape);
  $('latent-caption').textContent = description;
  canvas('latent').setAttribute('aria-label', `The latent code: ${description}`);
  explorerView.markCode(z);
  await refreshNoise();
  await anomalyView.show(detectorInput(current));
}

async function refreshNoise(): Promise<void> {
  if (!runner || !current) return;
  const { w, h } = size();
  const std = Number(input('noise').value);
  $('noise-value').textContent = std.toFixed(2);
  const noisy = addGaussianNoise(current, std, 1234);
  const denoised = await runner.decode(await runner.encode(noisy));
  drawSample(canvas('noisy-view'), noisy, w, h);
  drawSample(canvas('denoised-view'), denoised, w, h);
  $('noisy-error').textContent = meanMse(current, noisy).toFixed(4);
  $('denoised-error').textContent = meanMse(current, denoised).toFixed(4);
  $('denoised-error').dataset.mse = String(meanMse(current, denoised));
}

/**
 * The anomaly detector's view of the input: a drawing or an upload framed as the detector's dataset frames
 * its images (MNIST digits fill 20 of 28 pixels, Fashion-MNIST items the whole frame), a test image as is.
 */
function detectorInput(x: Float32Array): Float32Array {
  const dataset = anomalyView.entry?.dataset;
  if (!dataset || dataset === runner?.entry.dataset) return x;
  if (source?.kind === 'upload' && uploadForDetector) return uploadForDetector;
  if (source?.kind === 'drawing' && x.some((v) => v > 0)) {
    const { w, h } = size();
    return drawingToSample(canvas('pad'), w, h, frameFill(dataset));
  }
  return x;
}

/** Sets the model input; a drawing stays on the pad, other sources are drawn on it (to draw over next). */
function setInput(x: Float32Array, from: Source): Promise<unknown> {
  if (from.kind !== 'drawing') {
    const { w, h } = size();
    drawSample(canvas('pad'), x, w, h);
  }
  if (from.kind !== 'upload') $('file-name').textContent = 'no file';
  current = x;
  source = from;
  return enqueue(refresh);
}

/** Decodes the strip A -> B (LERP_STEPS codes on the straight line between their codes). */
async function refreshLerp(): Promise<void> {
  if (!runner || !lerpA || !lerpB) return;
  const { w, h } = size();
  const dim = lerpA.length;
  const codes = new Float32Array(LERP_STEPS * dim);
  for (let i = 0; i < LERP_STEPS; i++) codes.set(lerp(lerpA, lerpB, i / (LERP_STEPS - 1)), i * dim);
  drawGrid(canvas('lerp-strip'), await runner.decode(codes), LERP_STEPS, w, h);
  $('lerp-caption').textContent =
    `A (left) to B (right) in ${LERP_STEPS} steps along the line between their codes.`;
}

async function setLerpEnd(which: 'a' | 'b', x: Float32Array): Promise<void> {
  if (!runner) return;
  const z = await runner.encode(x);
  if (which === 'a') lerpA = z;
  else lerpB = z;
  await refreshLerp();
}

async function sampleFromPrior(): Promise<void> {
  if (!runner) return;
  const { w, h } = size();
  const count = SAMPLE_GRID * SAMPLE_GRID;
  const dim = runner.entry.latentShape.reduce((a, b) => a * b, 1);
  const z = normalSamples(count * dim, sampleSeed++);
  drawGrid(canvas('samples'), await runner.decode(z), count, w, h, SAMPLE_GRID);
}

function randomTestImage(): Float32Array | undefined {
  const points = explorerData?.points;
  if (!points?.length) return undefined;
  return decodeThumbnail(points[Math.floor(Math.random() * points.length)]!.image);
}

/** A sentence on what the model does with a drawing, for models trained on something else than digits. */
function drawingNote(entry: ModelEntry): string {
  return entry.dataset === 'fashion-mnist'
    ? ' It has only seen clothing: a drawn digit comes back as the garment it looks most like.'
    : '';
}

/** Model loads run one after another: a switch during a load waits for it (two loads would race). */
let loading: Promise<void> = Promise.resolve();

function selectModel(entry: ModelEntry, prefer: 'auto' | Provider = 'auto'): Promise<void> {
  const next = loading.then(() => loadSelected(entry, prefer));
  loading = next.catch(() => {});
  return next;
}

async function loadSelected(entry: ModelEntry, prefer: 'auto' | Provider): Promise<void> {
  await queue;
  setStatus(`Loading ${entry.title}…`, 'loading');
  const previous = runner;
  runner = undefined;
  await previous?.release();
  try {
    const [loaded, explorer] = await Promise.all([
      loadWithFallback(entry, MODELS_URL, prefer, onProgress),
      fetch(`${MODELS_URL}${entry.explorer}`).then((r) => r.json() as Promise<ExplorerData>),
    ]);
    runner = loaded.runner;
    explorerData = explorer;
    const badge = $('provider');
    badge.textContent = loaded.badge;
    badge.dataset.provider = loaded.runner.provider;
    badge.className = `badge ${loaded.runner.provider}`;
    $('provider-detail').textContent = loaded.detail;
    $('parity-result').textContent = '';
    $('parity-result').dataset.maxDiff = '';
    const code = entry.latentShape.join('×');
    $('model-info').textContent =
      `${entry.title}: ${entry.description} Code: ${code} numbers${entry.kind === 'vae' ? ' (a Gaussian; the explorer shows its means)' : ''}. ` +
      `Trained on ${entry.training.samples} ${entry.dataset === 'mnist' ? 'MNIST digits' : 'Fashion-MNIST clothing images'} for ${entry.training.epochs} epochs; ` +
      `held-out MSE ${entry.test.mse.toFixed(4)}${entry.trained ? '' : ' — UNTRAINED placeholder'}.${drawingNote(entry)}`;
    $('vae-panel').hidden = entry.kind !== 'vae';
    $('denoise-hint').textContent =
      entry.kind === 'denoiser'
        ? `This model was trained on inputs with noise std ${entry.noiseStd}.`
        : 'Pick the denoising model to see a model trained for this; others were trained on clean images only.';
    lerpA = lerpB = undefined;
    const { n } = size();
    const thumbnails = new Float32Array(explorer.points.length * n);
    explorer.points.forEach((p, i) => {
      thumbnails.set(decodeThumbnail(p.image), i * n);
    });
    const codes = await runner.encode(thumbnails);
    const dim = entry.latentShape.reduce((a, b) => a * b, 1);
    explorerView.show(explorer, codes, dim, entry.kind === 'vae');
    const [e1, e2] = explorerView.explained();
    $('explorer-info').textContent =
      `${explorer.points.length} held-out ${entry.dataset === 'mnist' ? 'digits' : 'clothing images'}, placed by the first two principal components of their codes ` +
      `(${(100 * e1).toFixed(0)}% and ${(100 * e2).toFixed(0)}% of the code variance); colours are classes; the ring marks your input.`;
    if (entry.kind === 'vae') {
      await enqueue(sampleFromPrior);
      // A and B start as two held-out images of different classes, so the strip shows something at once.
      const a = explorer.points[0];
      const b = explorer.points.find((p) => p.label !== a?.label);
      if (a && b) {
        await enqueue(async () => {
          await setLerpEnd('a', decodeThumbnail(a.image));
          await setLerpEnd('b', decodeThumbnail(b.image));
        });
      }
    }
    // A test image from another dataset would be meaningless for this model: take one of its own.
    const stale = !current || (source?.kind === 'test' && source.dataset !== entry.dataset);
    const next = stale ? randomTestImage() : current;
    if (next) await setInput(next, stale ? { kind: 'test', dataset: entry.dataset } : source!);
  } catch (error) {
    console.error(error);
    setStatus(
      `Could not load ${entry.title}: ${error instanceof Error ? error.message : String(error)}`,
      'error',
    );
  }
}

const pad = attachDrawPad(
  canvas('pad'),
  () => {
    const { w, h } = size();
    void setInput(drawingToSample(canvas('pad'), w, h, frameFill(runner?.entry.dataset ?? 'mnist')), {
      kind: 'drawing',
    });
  },
  () => {
    const { n } = size();
    void setInput(new Float32Array(n), { kind: 'drawing' });
  },
);
const anomalyView = new AnomalyView({
  info: $('anomaly-info'),
  input: canvas('anomaly-input'),
  bar: canvas('anomaly-bar'),
  heatmap: canvas('anomaly-heatmap'),
  verdict: $('anomaly-verdict'),
});
for (const kind of ['normal', 'anomalous'] as const) {
  $(`anomaly-${kind}`).addEventListener('click', () => {
    const picked = anomalyView.pick(kind);
    const dataset = anomalyView.entry?.dataset;
    if (picked && dataset) void setInput(picked.x, { kind: 'test', dataset });
  });
}
const explorerView = new LatentExplorer(
  canvas('explorer'),
  canvas('explorer-preview'),
  $('explorer-caption'),
  $('explorer-legend'),
  {
    pick: (x) => {
      void setInput(x, { kind: 'test', dataset: runner?.entry.dataset ?? '' });
    },
    decode: async (z) => (await enqueue(async () => runner?.decode(z))) ?? new Float32Array(size().n),
  },
);

$('clear').addEventListener('click', () => {
  pad.clear();
  const { n } = size();
  void setInput(new Float32Array(n), { kind: 'drawing' });
});
$('example').addEventListener('click', () => {
  const x = randomTestImage();
  if (x) void setInput(x, { kind: 'test', dataset: runner?.entry.dataset ?? '' });
});
input('upload').addEventListener('change', async () => {
  const file = input('upload').files?.[0];
  // Reset so choosing the same file again fires `change` again.
  input('upload').value = '';
  if (!file) return;
  setStatus(`Reading ${file.name}…`, 'busy');
  try {
    const { w, h } = size();
    const x = await imageFileToSample(file, w, h, frameFill(runner?.entry.dataset ?? 'mnist'));
    const detectorDataset = anomalyView.entry?.dataset;
    uploadForDetector =
      detectorDataset && detectorDataset !== runner?.entry.dataset
        ? await imageFileToSample(file, w, h, frameFill(detectorDataset))
        : undefined;
    $('file-name').textContent = file.name;
    await setInput(x, { kind: 'upload', name: file.name });
  } catch (error) {
    setStatus(
      `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`,
      'error',
    );
  }
});
input('noise').addEventListener('input', () => void enqueue(refreshNoise));
$('sample').addEventListener('click', () => void enqueue(sampleFromPrior));
$('set-a').addEventListener('click', () => current && void enqueue(() => setLerpEnd('a', current!)));
$('set-b').addEventListener('click', () => current && void enqueue(() => setLerpEnd('b', current!)));
$('parity').addEventListener('click', () =>
  enqueue(async () => {
    if (!runner) return;
    const { n } = size();
    const images = (explorerData?.points ?? []).slice(0, 16).map((p) => decodeThumbnail(p.image));
    const batch = new Float32Array(images.length * n);
    images.forEach((img, i) => {
      batch.set(img, i * n);
    });
    $('parity-result').textContent = 'checking…';
    const result = await checkParity(runner.entry, MODELS_URL, batch, images.length);
    $('parity-result').textContent = result.note;
    $('parity-result').dataset.maxDiff = String(result.maxDiff ?? '');
  }),
);

const select = $('model') as HTMLSelectElement;
select.addEventListener('change', () => {
  const entry = manifest.models.find((m) => m.id === select.value);
  if (entry) void selectModel(entry);
});

/** Hooks for the end-to-end test (and curious visitors in the console). */
(globalThis as { aekitDemo?: unknown }).aekitDemo = {
  explorerPointPosition: (index: number) => explorerView.pointPosition(index),
  explorerMarkerPosition: () => explorerView.markerPosition(),
  provider: () => runner?.provider,
  input: () => (current ? Array.from(current) : undefined),
  inputSource: () => source,
  code: () => (currentCode ? Array.from(currentCode) : undefined),
  anomaly: () => {
    const r = anomalyView.result();
    return r && { ...r, input: Array.from(r.input) };
  },
};

/** The first model: an MNIST one, since the page invites drawing a digit (the denoiser when bundled). */
function defaultModel(models: ModelEntry[]): ModelEntry | undefined {
  return (
    models.find((m) => m.dataset === 'mnist' && m.kind === 'denoiser') ??
    models.find((m) => m.dataset === 'mnist') ??
    models[0]
  );
}

attachTrainPanel(MODELS_URL, () => manifest);

try {
  const response = await fetch(`${MODELS_URL}manifest.json`);
  if (!response.ok)
    throw new Error(`HTTP ${response.status}: run \`pnpm --filter @aekit/web models\` to create the models`);
  manifest = (await response.json()) as Manifest;
  for (const m of manifest.models) select.add(new Option(m.title, m.id));
  const requested = new URLSearchParams(location.search).get('model');
  const first = manifest.models.find((m) => m.id === requested) ?? defaultModel(manifest.models);
  if (!first) throw new Error('manifest.json lists no models');
  select.value = first.id;
  const anomaly = manifest.anomaly;
  if (anomaly) {
    // Before the first model, so that its first input is scored too.
    setStatus('Loading the anomaly detector…', 'loading');
    await anomalyView.load(anomaly, MODELS_URL, onProgress).catch((error: unknown) => {
      $('anomaly-info').textContent =
        `Could not load the detector: ${error instanceof Error ? error.message : String(error)}`;
    });
  } else $('anomaly-panel').hidden = true;
  const device = new URLSearchParams(location.search).get('device');
  await selectModel(first, device === 'wasm' || device === 'webgpu' ? device : 'auto');
} catch (error) {
  setStatus(`Could not load the models: ${error instanceof Error ? error.message : String(error)}`, 'error');
}
