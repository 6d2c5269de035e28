// "Train on your images": decodes the visitor's images (or a bundled set) in the page, trains in a Web Worker
// (train-worker.ts), draws the loss and the reconstructions after each epoch, and at the end offers the ONNX
// export and a checkpoint for download and runs the ONNX bytes through onnxruntime-web.
import { createSession } from '@aekit/onnx-backend/browser';
import { decodeThumbnail } from './explorer.js';
import { frameFill, imageFileToSample } from './image-input.js';
import { drawLossCurve } from './loss-curve.js';
import type { ExplorerData, Manifest } from './manifest.js';
import { preloadRuntime } from './ort-preload.js';
import { drawGrid } from './render.js';
import { isTrainModelId, TRAIN_MODELS, TRAIN_SHAPE, trainDeviceOf } from './train-models.js';
import type { FromWorker, ToWorker } from './train-protocol.js';

/** At most this many images are decoded and trained on: memory stays bounded (500 x 784 floats = 1.6 MB). */
export const MAX_TRAIN_IMAGES = 500;
/** Samples shown (and run through ONNX Runtime) per row. */
const PREVIEW = 8;
const [H, W] = TRAIN_SHAPE;
const SAMPLE = H * W;

/** What the page trained on and what came out, for the end-to-end test. */
interface TrainState {
  state: 'idle' | 'decoding' | 'training' | 'exporting' | 'done' | 'error';
  losses: number[];
  count: number;
  device?: string;
  stopped?: boolean;
  /** The preview samples ([PREVIEW, 28, 28, 1]) and the ONNX model's outputs on them. */
  previewInputs?: number[];
  ortOutputs?: number[];
  tfjsOutputs?: number[];
}

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from index.html`);
  return found as T;
}

export function attachTrainPanel(modelsUrl: string, manifest: () => Manifest | undefined): void {
  const files = el<HTMLInputElement>('train-files');
  const bundled = el<HTMLSelectElement>('train-bundled');
  const count = el('train-count');
  const modelSelect = el<HTMLSelectElement>('train-model');
  const epochsInput = el<HTMLInputElement>('train-epochs');
  const start = el<HTMLButtonElement>('train-start');
  const stopButton = el<HTMLButtonElement>('train-stop');
  const status = el('train-status');
  const lossCanvas = el<HTMLCanvasElement>('train-loss');
  const inputsCanvas = el<HTMLCanvasElement>('train-inputs');
  const reconsCanvas = el<HTMLCanvasElement>('train-recons');
  const ortCanvas = el<HTMLCanvasElement>('train-ort');
  const downloads = el('train-downloads');

  for (const [id, model] of Object.entries(TRAIN_MODELS)) modelSelect.add(new Option(model.title, id));
  const shared: TrainState = { state: 'idle', losses: [], count: 0 };
  (globalThis as unknown as { aekitTrain: TrainState }).aekitTrain = shared;

  let images: Float32Array | undefined;
  let imageCount = 0;
  let worker: Worker | undefined;
  let shortDevice = '';

  const setStatus = (text: string, state: TrainState['state']) => {
    status.textContent = text;
    status.dataset.state = state;
    shared.state = state;
  };
  const preview = () => Math.min(PREVIEW, imageCount);
  const clearLinks = () => {
    for (const link of downloads.querySelectorAll('a')) URL.revokeObjectURL(link.href);
    downloads.replaceChildren();
  };
  /** A download link for `part`, its object URL revoked by the next run's clearLinks. */
  const offer = (id: string, name: string, text: string, part: BlobPart) => {
    const link = document.createElement('a');
    link.id = id;
    link.download = name;
    link.textContent = text;
    link.href = URL.createObjectURL(new Blob([part], { type: 'application/octet-stream' }));
    downloads.append(link, ' ');
  };

  const useImages = (x: Float32Array, n: number, what: string) => {
    images = x;
    imageCount = n;
    count.textContent = `${n} images (${what})`;
    drawGrid(inputsCanvas, x.subarray(0, preview() * SAMPLE), preview(), W, H, PREVIEW);
    start.disabled = n === 0 || worker !== undefined;
    setStatus(n === 0 ? 'No image could be read.' : `Ready to train on ${n} images.`, 'idle');
  };

  files.addEventListener('change', async () => {
    const chosen = [...(files.files ?? [])].slice(0, MAX_TRAIN_IMAGES);
    const skipped = (files.files?.length ?? 0) - chosen.length;
    files.value = ''; // the same files chosen again decode again
    bundled.value = '';
    if (chosen.length === 0) return;
    start.disabled = true;
    const x = new Float32Array(chosen.length * SAMPLE);
    let n = 0;
    const unreadable: string[] = [];
    for (const [i, file] of chosen.entries()) {
      setStatus(`Decoding image ${i + 1} of ${chosen.length}…`, 'decoding');
      try {
        x.set(await imageFileToSample(file, W, H, frameFill('mnist')), n * SAMPLE);
        n++;
      } catch {
        unreadable.push(file.name);
      }
    }
    const notes = [
      skipped > 0 ? `the first ${MAX_TRAIN_IMAGES} kept, ${skipped} left out` : '',
      unreadable.length ? `${unreadable.length} unreadable (${unreadable.slice(0, 3).join(', ')})` : '',
    ].filter(Boolean);
    useImages(x.slice(0, n * SAMPLE), n, ['your files', ...notes].join('; '));
  });

  bundled.addEventListener('change', async () => {
    const dataset = bundled.value;
    if (!dataset) return;
    const entry = manifest()?.models.find((m) => m.dataset === dataset);
    if (!entry) return setStatus(`No bundled ${dataset} images in this build.`, 'error');
    setStatus(`Loading the bundled ${dataset} images…`, 'decoding');
    const data = (await (await fetch(`${modelsUrl}${entry.explorer}`)).json()) as ExplorerData;
    const points = data.points.slice(0, MAX_TRAIN_IMAGES);
    const x = new Float32Array(points.length * SAMPLE);
    for (const [i, p] of points.entries()) x.set(decodeThumbnail(p.image), i * SAMPLE);
    useImages(x, points.length, `${dataset} test images`);
  });

  const finish = () => {
    worker?.terminate(); // frees the worker's tfjs memory (wasm heap, WebGPU buffers)
    worker = undefined;
    stopButton.disabled = true;
    start.disabled = imageCount === 0;
  };

  const runOnnx = async (onnx: Uint8Array, x: Float32Array) => {
    await preloadRuntime('wasm', () => {});
    const session = await createSession(onnx, { device: 'wasm', inputShape: [...TRAIN_SHAPE] });
    try {
      const out = await session.reconstruct(x);
      drawGrid(ortCanvas, out, preview(), W, H, PREVIEW);
      shared.ortOutputs = Array.from(out);
    } finally {
      await session.dispose();
    }
  };

  const onMessage = async (message: FromWorker, x: Float32Array) => {
    switch (message.type) {
      case 'device':
        shared.device = message.description;
        shortDevice = message.device;
        status.title = message.description;
        setStatus(`Training on ${message.device} (${message.parameters} weights)…`, 'training');
        return;
      case 'batch':
        setStatus(
          `Epoch ${message.epoch}, batch ${message.batch} of ${message.batches}: loss ${message.loss.toFixed(4)} (${shortDevice})`,
          'training',
        );
        return;
      case 'epoch':
        shared.losses.push(message.loss);
        shared.tfjsOutputs = Array.from(message.reconstructions);
        drawLossCurve(lossCanvas, shared.losses, 'loss (binary cross-entropy)');
        drawGrid(reconsCanvas, message.reconstructions, preview(), W, H, PREVIEW);
        lossCanvas.setAttribute(
          'aria-label',
          `Training loss per epoch: ${shared.losses.map((l) => l.toFixed(4)).join(', ')}`,
        );
        return;
      case 'error':
        finish();
        setStatus(`Training failed: ${message.message}`, 'error');
        return;
      case 'done': {
        finish();
        shared.stopped = message.stopped;
        setStatus('Running the exported ONNX model with ONNX Runtime Web…', 'exporting');
        offer('train-onnx', 'aekit-trained.onnx', 'Download ONNX', message.onnx.slice());
        offer('train-checkpoint', 'checkpoint.json', 'checkpoint.json', message.checkpointJson);
        offer(
          'train-weights',
          'weights.bin',
          'weights.bin (checkpoint.json and weights.bin in one folder: a checkpoint)',
          message.weightsBin,
        );
        try {
          await runOnnx(message.onnx, x);
          const last = shared.losses.at(-1)?.toFixed(4);
          setStatus(
            `${message.stopped ? 'Stopped' : 'Done'} after ${message.epochs} epoch${message.epochs === 1 ? '' : 's'} (loss ${shared.losses[0]?.toFixed(4)} -> ${last}). The ONNX model ran in ONNX Runtime Web (last row).`,
            'done',
          );
        } catch (error) {
          setStatus(
            `The ONNX model did not run: ${error instanceof Error ? error.message : String(error)}`,
            'error',
          );
        }
        return;
      }
    }
  };

  start.addEventListener('click', () => {
    if (!images || imageCount === 0 || worker) return;
    const model = modelSelect.value;
    if (!isTrainModelId(model)) return;
    const epochs = Math.min(50, Math.max(1, Math.round(Number(epochsInput.value) || 1)));
    clearLinks();
    shared.losses = [];
    shared.count = imageCount;
    shared.ortOutputs = undefined;
    shared.stopped = undefined;
    const previewInputs = images.slice(0, preview() * SAMPLE);
    shared.previewInputs = Array.from(previewInputs);
    drawLossCurve(lossCanvas, [], 'loss (binary cross-entropy)');
    worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromWorker>) => void onMessage(event.data, previewInputs);
    worker.onerror = (event) => {
      finish();
      setStatus(`The training worker failed: ${event.message}`, 'error');
    };
    start.disabled = true;
    stopButton.disabled = false;
    setStatus('Starting the training worker…', 'training');
    // A copy: the page keeps its images for another run.
    const request: ToWorker = {
      type: 'train',
      model,
      device: trainDeviceOf(new URLSearchParams(location.search).get('train-device')),
      x: images.slice(),
      count: imageCount,
      epochs,
      previewCount: preview(),
    };
    worker.postMessage(request, [request.x.buffer]);
  });

  stopButton.addEventListener('click', () => {
    worker?.postMessage({ type: 'stop' } satisfies ToWorker);
    stopButton.disabled = true;
    setStatus('Stopping after the current batch…', 'training');
  });
}
