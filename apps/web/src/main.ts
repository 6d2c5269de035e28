import { meanMse } from '@aekit/eval/metrics';
import { attachDrawPad } from './draw-pad.js';
import { decodeThumbnail, LatentExplorer } from './explorer.js';
import { drawingToSample, imageFileToSample } from './image-input.js';
import type { ExplorerData, Manifest, ModelEntry } from './manifest.js';
import { lerp } from './metrics.js';
import { addGaussianNoise, normalSamples } from './noise.js';
import { checkParity } from './parity.js';
import { drawBars, drawRow, drawSample } from './render.js';
import { loadWithFallback, type ModelRunner, type Provider } from './runtime.js';

const MODELS_URL = `${import.meta.env.BASE_URL}models/`;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el;
}
const canvas = (id: string) => $(id) as HTMLCanvasElement;
const input = (id: string) => $(id) as HTMLInputElement;

const status = $('status');
function setStatus(text: string, state: 'loading' | 'busy' | 'ready' | 'error'): void {
  status.textContent = text;
  status.dataset.state = state;
}

let manifest: Manifest;
let runner: ModelRunner | undefined;
let explorerData: ExplorerData | undefined;
let current: Float32Array | undefined;
let lerpA: Float32Array | undefined;
let lerpB: Float32Array | undefined;
let sampleSeed = 1;
/** Serialises model calls: a new request waits for the running one. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue(task: () => Promise<void>): Promise<void> {
  const next = queue.then(async () => {
    setStatus('Running…', 'busy');
    try {
      await task();
      setStatus(`Ready · ${runner?.entry.title ?? ''}`, 'ready');
    } catch (error) {
      console.error(error);
      setStatus(`Error: ${error instanceof Error ? error.message : String(error)}`, 'error');
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
  const recon = await runner.decode(z);
  drawSample(canvas('recon-view'), recon, w, h);
  const error = meanMse(current, recon);
  $('recon-error').textContent = `MSE ${error.toFixed(4)}`;
  $('recon-error').dataset.mse = String(error);
  drawBars(canvas('latent'), z);
  await refreshNoise();
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

/** Sets the model input; `fromPad` keeps the drawing, other sources clear it so the pad never shows a stale drawing. */
function setInput(x: Float32Array, fromPad = false): Promise<void> {
  // An example, upload or explorer pick appears on the pad, so strokes drawn next edit that image.
  if (!fromPad) {
    const { w, h } = size();
    drawSample(canvas('pad'), x, w, h);
  }
  current = x;
  return enqueue(refresh);
}

async function refreshLerp(): Promise<void> {
  if (!runner || !lerpA || !lerpB) return;
  const { w, h } = size();
  const t = Number(input('lerp').value);
  const out = await runner.decode(lerp(lerpA, lerpB, t));
  drawSample(canvas('lerp-view'), out, w, h);
  $('lerp-caption').textContent = `t = ${t.toFixed(2)}`;
}

async function setLerpEnd(which: 'a' | 'b'): Promise<void> {
  if (!runner || !current) return;
  const { w, h } = size();
  const z = await runner.encode(current);
  drawSample(canvas(which === 'a' ? 'lerp-a' : 'lerp-b'), current, w, h);
  if (which === 'a') lerpA = z;
  else lerpB = z;
  await refreshLerp();
}

async function sampleFromPrior(): Promise<void> {
  if (!runner) return;
  const { w, h } = size();
  const count = 8;
  const dim = runner.entry.latentShape.reduce((a, b) => a * b, 1);
  const z = normalSamples(count * dim, sampleSeed++);
  drawRow(canvas('samples'), await runner.decode(z), count, w, h);
}

function randomTestImage(): Float32Array | undefined {
  const points = explorerData?.points;
  if (!points?.length) return undefined;
  return decodeThumbnail(points[Math.floor(Math.random() * points.length)]!.image);
}

async function selectModel(entry: ModelEntry, prefer: 'auto' | Provider = 'auto'): Promise<void> {
  await queue;
  setStatus(`Loading ${entry.title}…`, 'loading');
  const previous = runner;
  runner = undefined;
  await previous?.release();
  try {
    const [{ runner: loaded, note }, explorer] = await Promise.all([
      loadWithFallback(entry, MODELS_URL, prefer),
      fetch(`${MODELS_URL}${entry.explorer}`).then((r) => r.json() as Promise<ExplorerData>),
    ]);
    runner = loaded;
    explorerData = explorer;
    const badge = $('provider');
    badge.textContent = `Execution provider: ${note}`;
    badge.dataset.provider = loaded.provider;
    badge.className = `badge ${loaded.provider}`;
    $('model-info').textContent =
      `${entry.description} Trained on ${entry.training.samples} ${entry.dataset} images for ${entry.training.epochs} epochs ` +
      `(training device: ${entry.training.backend.split(' (')[0]}); held-out MSE ${entry.test.mse.toFixed(4)}${entry.trained ? '' : ' — UNTRAINED placeholder'}.`;
    $('vae-panel').hidden = entry.kind !== 'vae';
    $('denoise-hint').textContent =
      entry.kind === 'denoiser'
        ? `This model was trained on inputs with noise std ${entry.noiseStd}.`
        : 'Pick the denoising model to see a model trained for this; others were trained on clean images only.';
    lerpA = lerpB = undefined;
    explorerView.show(explorer);
    if (entry.kind === 'vae') await enqueue(sampleFromPrior);
    if (!current) current = randomTestImage();
    await enqueue(refresh);
  } catch (error) {
    console.error(error);
    setStatus(
      `Could not load ${entry.title}: ${error instanceof Error ? error.message : String(error)}`,
      'error',
    );
  }
}

const pad = attachDrawPad(canvas('pad'), () => {
  const { w, h } = size();
  void setInput(drawingToSample(canvas('pad'), w, h), true);
});
const explorerView = new LatentExplorer(
  canvas('explorer'),
  canvas('explorer-preview'),
  $('explorer-caption'),
  (x) => {
    void setInput(x);
  },
);

$('clear').addEventListener('click', () => pad.clear());
$('example').addEventListener('click', () => {
  const x = randomTestImage();
  if (x) void setInput(x);
});
input('upload').addEventListener('change', async () => {
  const file = input('upload').files?.[0];
  if (!file) return;
  setStatus(`Reading ${file.name}…`, 'busy');
  try {
    const { w, h } = size();
    await setInput(await imageFileToSample(file, w, h));
  } catch (error) {
    setStatus(
      `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`,
      'error',
    );
  }
});
input('noise').addEventListener('input', () => void enqueue(refreshNoise));
input('lerp').addEventListener('input', () => void enqueue(refreshLerp));
$('sample').addEventListener('click', () => void enqueue(sampleFromPrior));
$('set-a').addEventListener('click', () => void enqueue(() => setLerpEnd('a')));
$('set-b').addEventListener('click', () => void enqueue(() => setLerpEnd('b')));
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
  provider: () => runner?.provider,
};

try {
  const response = await fetch(`${MODELS_URL}manifest.json`);
  if (!response.ok)
    throw new Error(`HTTP ${response.status}: run \`pnpm --filter @aekit/web models\` to create the models`);
  manifest = (await response.json()) as Manifest;
  for (const m of manifest.models) select.add(new Option(m.title, m.id));
  const requested = new URLSearchParams(location.search).get('model');
  const first = manifest.models.find((m) => m.id === requested) ?? manifest.models[0];
  if (!first) throw new Error('manifest.json lists no models');
  select.value = first.id;
  const device = new URLSearchParams(location.search).get('device');
  await selectModel(first, device === 'wasm' || device === 'webgpu' ? device : 'auto');
} catch (error) {
  setStatus(`Could not load the models: ${error instanceof Error ? error.message : String(error)}`, 'error');
}
