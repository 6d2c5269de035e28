import {
  ACTIVATIONS,
  checkWeights,
  inferShapes,
  LAYER_TYPES,
  type Layer,
  type ModelSpec,
  type NamedTensor,
  OptionError,
  type Scaler,
  validateSpec,
} from '@aekit/core';
import { ExportError } from './errors.js';
import { GraphBuilder, valueInfo } from './graph-builder.js';
import { denseOp, type Flow, layerToOnnx, toSpecLayout } from './layers-to-onnx.js';
import {
  EXPORT_PARTS,
  type ExportPart,
  IO_LAYOUT,
  IO_NAMES,
  METADATA_KEYS,
  type OnnxModelInfo,
} from './metadata.js';
import { AEKIT_VERSION, ONNX_IR_VERSION, ONNX_OPSET } from './onnx-version.js';
import { onnx } from './proto.js';

export interface ExportOptions {
  /** Which part to export. Default 'full'. */
  part?: ExportPart;
}

export interface OnnxExport {
  /** The serialised ModelProto: write it to a `.onnx` file or hand it to ONNX Runtime. */
  bytes: Uint8Array;
  /** The ModelProto as built (typed protobufjs message). */
  model: onnx.ModelProto;
  /** What the metadata says: shapes, names, part. */
  info: OnnxModelInfo;
}

/**
 * Layer kinds and activations the exporter knows: core's lists. The layer and activation switches of
 * layers-to-onnx.ts are exhaustive over core's unions (a kind added to core fails to compile there until it
 * is mapped), and throw ExportError for a kind they do not know at run time (a newer copy of core).
 */
export const EXPORTABLE_LAYERS: ReadonlySet<string> = new Set(LAYER_TYPES);
export const EXPORTABLE_ACTIVATIONS: ReadonlySet<string> = new Set(ACTIVATIONS);

/**
 * Fails with ExportError (EXPORT_UNSUPPORTED) naming the first layer whose kind or activation this exporter
 * does not know, before any other check (a spec from a newer core may hold kinds added after this exporter).
 */
function checkExportable(spec: ModelSpec): void {
  for (const part of ['encoder', 'decoder'] as const) {
    const layers = (spec as { [k in typeof part]?: unknown })[part];
    if (!Array.isArray(layers)) continue;
    layers.forEach((layer: { type?: unknown; activation?: unknown }, index) => {
      const kind = String(layer?.type);
      if (!EXPORTABLE_LAYERS.has(kind)) {
        throw new ExportError(
          `${part}[${index}]: layer kind "${kind}" has no ONNX export; supported kinds: ${[...EXPORTABLE_LAYERS].join(', ')}`,
          { details: { part, index, kind } },
        );
      }
      if (layer.activation !== undefined && !EXPORTABLE_ACTIVATIONS.has(String(layer.activation))) {
        throw new ExportError(
          `${part}[${index}] (${kind}): activation "${String(layer.activation)}" has no ONNX export; supported: ${[...EXPORTABLE_ACTIVATIONS].join(', ')}`,
          { details: { part, index, kind, activation: layer.activation } },
        );
      }
    });
  }
}

function runLayers(
  g: GraphBuilder,
  start: Flow,
  layers: readonly Layer[],
  shapes: readonly number[][],
  part: 'encoder' | 'decoder',
  weights: Map<string, NamedTensor>,
): Flow {
  let v = start;
  layers.forEach((layer, index) => {
    const prefix = `${part}.${index}`;
    const get = (suffix: string): NamedTensor => {
      const w = weights.get(`${prefix}.${suffix}`);
      if (!w)
        throw new ExportError(`${part}[${index}] (${layer.type}): missing weight "${prefix}.${suffix}"`);
      return w;
    };
    const has = (suffix: string) => weights.has(`${prefix}.${suffix}`);
    v = layerToOnnx(g, v, layer, shapes[index + 1]!, prefix, get, has);
  });
  return v;
}

/** Per-feature constants of a scaler as initialisers of shape [k]: they broadcast over the last axis. */
function scalerConstants(g: GraphBuilder, scaler: Scaler): { offset: string; scale: string } {
  return {
    offset: g.floats('scaler.offset', [scaler.offset.length], Float32Array.from(scaler.offset)),
    scale: g.floats('scaler.scale', [scaler.scale.length], Float32Array.from(scaler.scale)),
  };
}

/** A readable statement of what the graph does with raw values, for the metadata. */
function scalerText(scaler: Scaler, part: ExportPart): string {
  const what = scaler.type === 'minmax' ? 'min-max' : 'z-score';
  const steps = [
    part !== 'decoder' ? 'the input is scaled inside the graph, (x - offset) / scale' : '',
    part !== 'encoder' ? 'the reconstruction is mapped back, y * scale + offset' : '',
  ].filter(Boolean);
  return `raw float32 values: ${what} scaler per feature of the last axis (${METADATA_KEYS.scaler}); ${steps.join('; ')}`;
}

/**
 * Exports a spec and its weights (Keras layout, names from core's `paramInfos`) to an ONNX ModelProto.
 * Graph I/O are channels last like the spec with a symbolic `batch` axis; convolutions run channels first
 * inside the graph between Transposes. Parts: `encoder` (input -> latent, or mean + logVar for a VAE),
 * `decoder` (latent -> reconstruction), `full` (input -> reconstruction through the mean code, plus the code).
 */
export function exportOnnx(
  specInput: ModelSpec,
  weights: readonly NamedTensor[],
  options: ExportOptions = {},
): OnnxExport {
  return buildExport(specInput, weights, options.part ?? 'full');
}

/** What a detector graph's score nodes read (see `exportDetectorOnnx`). */
export interface DetectorFlows {
  /** The input after the scaler, channels last. */
  input: string;
  /** The reconstruction, channels last; absent when the score reads no reconstruction. */
  reconstruction?: Flow;
  /** The code `encode` returns (the mean for a VAE), in the layout the encoder leaves it (`toSpecLayout`). */
  code: Flow;
  /** A VAE's log-variance head. */
  logVar?: Flow;
  /** Shapes of one sample's reconstruction and code. */
  outputShape: readonly number[];
  latentShape: readonly number[];
}

/** What a detector graph appends to the model (see `exportDetectorOnnx`). */
export interface DetectorGraphOptions {
  /** The score's name, for the doc string. */
  score: string;
  /** Whether the score reads the reconstruction; without it the decoder is left out of the graph. */
  usesReconstruction: boolean;
  /** Appends the score nodes; returns the graph outputs they end in. */
  appendScore(g: GraphBuilder, flows: DetectorFlows): onnx.ValueInfoProto.$Properties[];
  /** Extra metadata entries (the detector's method and calibration). */
  metadata: Record<string, string>;
}

/** The export of `part`, or with `detector` the detector graph (raw input -> score, is_anomaly). */
export function buildExport(
  specInput: ModelSpec,
  weights: readonly NamedTensor[],
  part: ExportPart,
  detector?: DetectorGraphOptions,
): OnnxExport {
  if (!EXPORT_PARTS.includes(part)) {
    throw new OptionError(`export part must be one of ${EXPORT_PARTS.join(', ')}, got "${String(part)}"`);
  }
  checkExportable(specInput);
  const spec = validateSpec(specInput);
  const shapes = inferShapes(spec);
  const ordered = checkWeights(spec, weights);
  const byName = new Map(ordered.map((w) => [w.name, w]));
  const vae = spec.latent.type === 'gaussian';
  const g = new GraphBuilder();
  const scaler = spec.scaler && scalerConstants(g, spec.scaler);
  const inputs: onnx.ValueInfoProto.$Properties[] = [];
  const outputs: onnx.ValueInfoProto.$Properties[] = [];
  const batch = (shape: readonly number[]) => ['batch', ...shape];
  const renamed = new Map<string, string>();
  const output = (v: Flow, name: string) => {
    const x = toSpecLayout(g, v);
    const source = renamed.get(x.name) ?? x.name;
    if (renamed.has(x.name) || inputs.some((i) => i.name === x.name)) {
      g.rename(g.node('Identity', [source], `${name}_identity`), g.reserve(name));
    } else {
      g.rename(x.name, g.reserve(name));
      renamed.set(x.name, name);
    }
    outputs.push(valueInfo(name, batch(x.shape)));
  };

  // The code: what `encode` returns and `decode` takes (the mean for a VAE), plus the named code outputs.
  let code: Flow | undefined;
  let scaledInput: string | undefined;
  const codeOutputs: [Flow, string][] = [];
  if (part !== 'decoder') {
    inputs.push(valueInfo(g.reserve(IO_NAMES.input), batch(shapes.input)));
    let start: Flow = { name: IO_NAMES.input, shape: shapes.input, nchw: false };
    if (scaler) {
      // Raw values in: the network was trained on (x - offset) / scale.
      const centred = g.node('Sub', [IO_NAMES.input, scaler.offset], 'scaler_centred');
      start = { ...start, name: g.node('Div', [centred, scaler.scale], 'scaler_scaled') };
    }
    scaledInput = start.name;
    const h = runLayers(g, start, spec.encoder, shapes.encoder, 'encoder', byName);
    if (vae) {
      const head = (which: 'mean' | 'logVar') =>
        denseOp(
          g,
          h,
          byName.get(`latent.${which}.kernel`)!,
          byName.get(`latent.${which}.bias`),
          `latent.${which}`,
        );
      const mean = head('mean');
      codeOutputs.push([mean, IO_NAMES.mean], [head('logVar'), IO_NAMES.logVar]);
      code = mean;
    } else {
      // The decoder takes the code in whatever layout it is in; only the `latent` output is transposed.
      code = h;
      codeOutputs.push([code, IO_NAMES.latent]);
    }
  }
  if (detector) {
    const c = code as Flow;
    const logVar = codeOutputs.find(([, name]) => name === IO_NAMES.logVar)?.[0];
    const reconstruction = detector.usesReconstruction
      ? toSpecLayout(g, runLayers(g, c, spec.decoder, shapes.decoder, 'decoder', byName))
      : undefined;
    outputs.push(
      ...detector.appendScore(g, {
        input: scaledInput as string,
        code: c,
        ...(logVar && { logVar }),
        ...(reconstruction && { reconstruction }),
        outputShape: shapes.output,
        latentShape: shapes.latent,
      }),
    );
  } else if (part !== 'encoder') {
    if (!code) {
      inputs.push(valueInfo(g.reserve(IO_NAMES.latent), batch(shapes.latent)));
      code = { name: IO_NAMES.latent, shape: shapes.latent, nchw: false };
    }
    let y = runLayers(g, code, spec.decoder, shapes.decoder, 'decoder', byName);
    if (scaler) {
      // Raw values out: the inverse of the input's scaling, in the spec's layout (channels last).
      y = toSpecLayout(g, y);
      const spread = g.node('Mul', [y.name, scaler.scale], 'scaler_unscaled');
      y = { ...y, name: g.node('Add', [spread, scaler.offset], 'scaler_raw') };
    }
    output(y, IO_NAMES.reconstruction);
  }
  // The full model also returns the code (mean and logVar for a VAE), so that one file can encode too.
  if (!detector) for (const [flow, name] of codeOutputs) output(flow, name);

  const info: OnnxModelInfo = {
    aekitVersion: AEKIT_VERSION,
    name: spec.name,
    kind: vae ? 'vae' : 'autoencoder',
    part: detector ? 'detector' : part,
    layout: IO_LAYOUT,
    inputShape: part === 'decoder' ? shapes.latent : shapes.input,
    latentShape: shapes.latent,
    outputShape: part === 'encoder' ? shapes.latent : shapes.output,
    preprocessing: spec.scaler ? scalerText(spec.scaler, part) : spec.preprocessing,
    ...(spec.scaler && { scaler: spec.scaler }),
    inputs: inputs.map((i) => i.name!),
    outputs: outputs.map((o) => o.name!),
    spec,
  };
  const props: Record<string, string> = {
    [METADATA_KEYS.aekitVersion]: info.aekitVersion,
    [METADATA_KEYS.name]: info.name,
    [METADATA_KEYS.kind]: info.kind,
    [METADATA_KEYS.part]: info.part,
    [METADATA_KEYS.layout]: info.layout,
    [METADATA_KEYS.inputShape]: JSON.stringify(info.inputShape),
    [METADATA_KEYS.latentShape]: JSON.stringify(info.latentShape),
    [METADATA_KEYS.outputShape]: JSON.stringify(info.outputShape),
    [METADATA_KEYS.preprocessing]: info.preprocessing,
    [METADATA_KEYS.scaler]: JSON.stringify(info.scaler ?? null),
    [METADATA_KEYS.inputs]: JSON.stringify(info.inputs),
    [METADATA_KEYS.outputs]: JSON.stringify(info.outputs),
    [METADATA_KEYS.spec]: JSON.stringify(spec),
    ...detector?.metadata,
  };
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'aekit',
    producerVersion: AEKIT_VERSION,
    docString: `aekit ${info.kind} "${spec.name}", ${detector ? `${detector.score} anomaly detector` : `part ${part}`}`,
    graph: {
      name: `${spec.name}_${detector ? 'detector' : part}`,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs,
      output: outputs,
    },
    metadataProps: Object.entries(props).map(([key, value]) => ({ key, value })),
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), model, info };
}
