import { type FitOptions, type ModelSpec, OptionError } from '@aekit/core';
import {
  type CorruptionInput,
  contractiveAutoencoder,
  conv1dAutoencoder,
  convAutoencoder,
  convBottleneckAutoencoder,
  deepAutoencoder,
  denoisingAutoencoder,
  denseAutoencoder,
  inpaintingAutoencoder,
  lstmAutoencoder,
  type SparsityPenalty,
  sparseAutoencoder,
  vae,
} from '@aekit/models';
import { parseNoise, parseSparsity } from './model-option-parsers.js';
import { choiceOption, intListOption, intOption, numberOption } from './parse-options.js';

/** A model-specific command-line option, added to `aekit train` (once per long flag). */
export interface ModelOption {
  /** Commander flags, e.g. `--filters <list>`. */
  flags: string;
  description: string;
  /** Default value (shown in --help). */
  defaultValue?: unknown;
  /** Shown as `(default: ...)` instead of the value. */
  defaultDescription?: string;
  /** Turns the text into the value `create` receives; throw OptionError on bad input. */
  parse?: (value: string) => unknown;
}

/**
 * What `create` receives: the parsed options of `aekit train` (camelCase keys, model options included) and the
 * dataset's sample shape.
 */
export interface ModelCreateOptions extends Record<string, unknown> {
  /** One sample's shape: [height, width, channels] for images, [features] for a table's rows. */
  inputShape: number[];
  latentDim: number;
  /** Set for a table (`--data file.csv`, a .npy of rows): models with `tables` give it a linear output and MSE. */
  table?: boolean;
}

/** The sample shape as [height, width, channels], or an OptionError for a model that takes images only. */
function imageShape(o: ModelCreateOptions, model: string): [number, number, number] {
  if (o.inputShape.length === 3) return o.inputShape as [number, number, number];
  throw new OptionError(
    `--model ${model} takes images (height x width x channels), but the data's samples have shape [${o.inputShape.join(', ')}]; for a table use --model dense or deep`,
    { details: { option: '--model', actual: model } },
  );
}

/** The window shape [steps, channels] of a series, or an OptionError for a model that takes windows only. */
function seriesShape(o: ModelCreateOptions, model: string): [number, number] {
  if (o.inputShape.length === 2) return o.inputShape as [number, number];
  throw new OptionError(
    `--model ${model} takes windows of a series (steps x channels), but the data's samples have shape [${o.inputShape.join(', ')}]; pass --window <steps> with a series`,
    { details: { option: '--model', actual: model } },
  );
}

/**
 * Code, output and loss of a dense model on a table (z-scored or min-max values are not all in [0, 1]) and of
 * one started at PCA's solution (`--init pca`, which needs a linear code and output).
 */
const tableHead = (o: ModelCreateOptions) =>
  o.table || o.init === 'pca'
    ? ({ latentActivation: 'linear', outputActivation: 'linear', loss: 'mse' } as const)
    : {};

export interface ModelEntry {
  /** One line for the model table in `aekit train --help`. */
  description: string;
  /** Options only this model reads. */
  options: readonly ModelOption[];
  create(options: ModelCreateOptions): ModelSpec;
  /** Whether the model trains on tables (samples of shape [features]) with `--data`. Default no. */
  tables?: boolean;
  /** Whether the model trains on windows of a series ([window, channels], `--data` with `--window`). Default no. */
  series?: boolean;
  /** Extra fit options the model needs, merged into the CLI's (a denoising spec's corruption is applied by the trainer). */
  fitOptions?(spec: ModelSpec, options: ModelCreateOptions): Partial<FitOptions>;
  /**
   * How `aekit train` scores the test set. 'reconstruction' (default): MSE of the outputs for the clean test
   * images against them. 'denoising' (needs the spec's `corruption`): the test inputs corrupted with the noise
   * the model trained with (a fixed seed), PSNR of the noisy inputs and of the outputs against the clean
   * images, and MSE of the outputs against them.
   */
  testReport?: 'reconstruction' | 'denoising';
}

/** The models `aekit train --model <name>` knows, by name. Extend with `registerModel`. */
export const modelRegistry = new Map<string, ModelEntry>();

/** Adds a model to the CLI (before `createProgram` runs, so its options reach `--help`). */
export function registerModel(name: string, entry: ModelEntry): void {
  if (modelRegistry.has(name)) {
    throw new OptionError(`model "${name}" is already registered; pick another name`, {
      details: { actual: name },
    });
  }
  modelRegistry.set(name, entry);
}

export function modelNames(): string[] {
  return [...modelRegistry.keys()];
}

/** The entry of `name`, or an OptionError listing the known models. */
export function getModel(name: string): ModelEntry {
  const entry = modelRegistry.get(name);
  if (!entry) {
    throw new OptionError(`--model: unknown model "${name}". Should be one of: ${modelNames().join(', ')}`, {
      details: { expected: modelNames(), actual: name },
    });
  }
  return entry;
}

registerModel('dense', {
  description: 'one dense layer to a --latent-dim code and back (784-32-784, the Keras tutorial)',
  options: [],
  tables: true,
  create: (o) => denseAutoencoder({ inputShape: o.inputShape, latentDim: o.latentDim, ...tableHead(o) }),
});

registerModel('deep', {
  description: 'stacked dense layers --hidden, mirrored (784-128-64-32-64-128-784)',
  options: [
    {
      flags: '--hidden <sizes>',
      description: 'deep: hidden layer sizes between input and code, comma-separated',
      defaultValue: [128, 64],
      defaultDescription: '128,64',
      parse: intListOption('--hidden'),
    },
  ],
  tables: true,
  create: (o) =>
    deepAutoencoder({
      inputShape: o.inputShape,
      latentDim: o.latentDim,
      hidden: o.hidden as number[],
      ...tableHead(o),
    }),
});

registerModel('conv', {
  description: 'convolutional: (conv 3x3 + max-pool) x3 to a 4x4x8 code and back (the Keras tutorial)',
  options: [
    {
      flags: '--filters <list>',
      description: 'conv: filters of the encoder convolutions, one conv + max-pool stage each (mirrored)',
      defaultValue: [16, 8, 8],
      defaultDescription: '16,8,8',
      parse: intListOption('--filters'),
    },
    {
      flags: '--conv-decoder <kind>',
      description: 'conv: decoder upsampling (conv + upsampling) or transpose (strided conv2dTranspose)',
      defaultValue: 'upsampling',
      parse: choiceOption('--conv-decoder', ['upsampling', 'transpose'] as const),
    },
  ],
  create: (o) =>
    convAutoencoder({
      inputShape: imageShape(o, 'conv'),
      filters: o.filters as number[],
      decoder: o.convDecoder as 'upsampling' | 'transpose',
    }),
});

registerModel('conv-bottleneck', {
  description:
    'conv 3x3/2 x2 to a dense --latent-dim code and back with transposed convs (best MSE per code size)',
  options: [],
  create: (o) =>
    convBottleneckAutoencoder({ inputShape: imageShape(o, 'conv-bottleneck'), latentDim: o.latentDim }),
});

registerModel('denoising', {
  description:
    'conv (conv 3x3 + max-pool) x2 to 7x7x32 and back, MSE, trained on inputs corrupted by --noise against clean targets',
  options: [
    {
      flags: '--noise <kind>',
      description:
        'denoising: noise of the training and scored test inputs: gaussian:<std>, saltPepper:<amount>, mask:<fraction>[:<blockSize>] or watermark[:<opacity>]',
      defaultValue: { type: 'gaussian', std: 0.5 },
      defaultDescription: 'gaussian:0.5',
      parse: parseNoise,
    },
  ],
  create: (o) =>
    denoisingAutoencoder({ inputShape: imageShape(o, 'denoising'), noise: o.noise as CorruptionInput }),
  testReport: 'denoising',
});

registerModel('inpainting', {
  description: 'strided conv autoencoder that fills in blanked 7x7 blocks (mask corruption)',
  options: [],
  create: (o) => inpaintingAutoencoder({ inputShape: imageShape(o, 'inpainting') }),
});

registerModel('sparse', {
  description: 'dense autoencoder with a --latent-dim code (overcomplete allowed) and a --sparsity penalty',
  options: [
    {
      flags: '--sparsity <penalty>',
      description: 'sparse: l1:<weight> (ReLU code) or kl:<rho>:<weight> (sigmoid code)',
      defaultValue: { type: 'l1', weight: 1e-4 },
      defaultDescription: 'l1:1e-4',
      parse: parseSparsity,
    },
  ],
  create: (o) =>
    sparseAutoencoder({
      inputShape: o.inputShape,
      latentDim: o.latentDim,
      penalty: o.sparsity as SparsityPenalty,
    }),
});

registerModel('contractive', {
  description: 'dense sigmoid encoder with the closed-form Jacobian penalty weighted by --contractive',
  options: [
    {
      flags: '--contractive <weight>',
      description: 'contractive: weight of the encoder Jacobian penalty ||dz/dx||_F^2',
      defaultValue: 1e-4,
      parse: numberOption('--contractive', 0),
    },
  ],
  create: (o) =>
    contractiveAutoencoder({
      inputShape: o.inputShape,
      latentDim: o.latentDim,
      weight: o.contractive as number,
    }),
});

const betaOption: ModelOption = {
  flags: '--beta <beta>',
  description: 'vae, conv-vae: weight of the KL term (1 = ELBO, > 1 = beta-VAE)',
  defaultValue: 1,
  parse: numberOption('--beta', 0),
};

registerModel('vae', {
  description: 'variational: dense 512-unit encoder to a Gaussian --latent-dim code, summed BCE + beta * KL',
  options: [betaOption],
  create: (o) =>
    vae({ kind: 'dense', inputShape: o.inputShape, latentDim: o.latentDim, beta: o.beta as number }),
});

registerModel('conv-vae', {
  description: 'variational with a conv encoder (3x3/2 x2) and transposed-conv decoder',
  options: [betaOption],
  create: (o) =>
    vae({ kind: 'conv', inputShape: o.inputShape, latentDim: o.latentDim, beta: o.beta as number }),
});

registerModel('conv1d', {
  description:
    'series: 1-D convolutions 7/2 x2 (--filters1d) to a dense --latent-dim code and back, linear output, MSE (needs --window)',
  options: [
    {
      flags: '--filters1d <list>',
      description: 'conv1d: filters of the two stride-2 encoder convolutions (mirrored)',
      defaultValue: [16, 32],
      defaultDescription: '16,32',
      parse: intListOption('--filters1d', 2),
    },
  ],
  series: true,
  create: (o) => {
    const [timesteps, features] = seriesShape(o, 'conv1d');
    return conv1dAutoencoder({
      timesteps,
      features,
      filters: o.filters1d as [number, number],
      latentDim: o.latentDim,
    });
  },
});

registerModel('lstm', {
  description:
    'series: LSTM encoder (last state) to a --latent-dim code, repeated, LSTM decoder, MSE (needs --window)',
  options: [
    {
      flags: '--units <n>',
      description: 'lstm: units of the encoder and decoder LSTMs',
      defaultValue: 32,
      parse: intOption('--units', 1),
    },
  ],
  series: true,
  create: (o) => {
    const [timesteps, features] = seriesShape(o, 'lstm');
    return lstmAutoencoder({
      timesteps,
      features,
      units: o.units as number,
      latentDim: o.latentDim,
    });
  },
});
