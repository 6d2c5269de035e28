// Writing a Triton model repository: <repo>/<name>/config.pbtxt, <repo>/<name>/<version>/model.onnx, plus a
// README (how to load it) and a KServe InferenceService manifest at the repository's root.
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { OptionError } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import { readOnnxInfo } from '../read-model.js';
import { graphSignature } from './graph-signature.js';
import { dnsLabel, kserveManifest } from './kserve-manifest.js';
import { formatModelConfig, parseModelConfig, type TritonModelConfig } from './model-config.js';
import { CONFIG_FILE, DEFAULT_MODEL_FILE, loadModelRepository } from './model-repository.js';
import { type TritonConfigOptions, tritonModelConfig } from './triton-config.js';

export interface TritonRepositoryOptions extends TritonConfigOptions {
  /** The version folder to write. Default 1. */
  version?: number;
  /** `storageUri` of kserve.yaml: where the cluster will find the repository. Default pvc://aekit-models/<repo>. */
  storageUri?: string;
}

export interface TritonRepositoryResult {
  config: TritonModelConfig;
  /** The files written, repository-relative paths. */
  files: string[];
}

function repositoryReadme(
  repo: string,
  models: readonly { name: string; versions: number[]; config: TritonModelConfig }[],
): string {
  const abs = resolve(repo);
  const first = models[0]!;
  const input = first.config.input?.[0];
  const example = input
    ? `{"inputs":[{"name":"${input.name}","shape":[1,${input.dims.join(',')}],"datatype":"FP32","data":[...]}]}`
    : '{"inputs":[...]}';
  const rows = models.map((m) => {
    const io = (list: TritonModelConfig['input']) =>
      (list ?? []).map((t) => `\`${t.name}\` [${['batch', ...t.dims].join(', ')}]`).join(', ');
    return `| ${m.name} | ${m.versions.join(', ')} | ${m.config.max_batch_size ?? 0} | ${io(m.config.input)} | ${io(m.config.output)} |`;
  });
  return `# ${basename(abs)}: a Triton model repository

Written by \`aekit export --format triton\`. Any server that reads Triton's repository layout loads it
unchanged, and every one of them answers the Open Inference Protocol (v2).

| model | versions | max batch | inputs | outputs |
| ----- | -------- | --------- | ------ | ------- |
${rows.join('\n')}

Inputs are float32, channels last (NHWC), raw values: the preprocessing is inside the graph.

## Triton

\`\`\`sh
docker run --rm -p 8000:8000 -p 8001:8001 -p 8002:8002 -v ${abs}:/models \\
  nvcr.io/nvidia/tritonserver:<xx.yy>-py3 tritonserver --model-repository=/models
curl localhost:8000/v2/health/ready
curl localhost:8000/v2/models/${first.name}
curl -X POST localhost:8000/v2/models/${first.name}/infer -d '${example}'
\`\`\`

Add \`--gpus all\` to docker and set \`kind: KIND_GPU\` in \`instance_group\` of config.pbtxt to run on a GPU.

## KServe

Copy this folder to the \`storageUri\` of \`kserve.yaml\` (an S3/GCS bucket or a PVC), then:

\`\`\`sh
kubectl apply -f kserve.yaml
\`\`\`

## aekit

\`\`\`sh
aekit serve --model-repository ${repo} --port 8000
\`\`\`
`;
}

/**
 * Writes an ONNX export into a Triton model repository, then regenerates the repository's README.md and
 * kserve.yaml for every model it holds. The model file is written before its config, each atomically, so a
 * server polling the repository never sees a config without its model.
 */
export async function writeTritonRepository(
  repo: string,
  model: Uint8Array,
  options: TritonRepositoryOptions,
): Promise<TritonRepositoryResult> {
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw new OptionError(`version must be a positive integer, got ${version}`);
  }
  const info = readOnnxInfo(model, `ONNX model "${options.name}"`);
  const config = tritonModelConfig(graphSignature(model, `ONNX model "${options.name}"`), info, options);
  const text = formatModelConfig(config);
  parseModelConfig(text, `${options.name}/${CONFIG_FILE}`); // what we write parses back against the .proto
  const modelFile = join(options.name, String(version), DEFAULT_MODEL_FILE);
  const configFile = join(options.name, CONFIG_FILE);
  await writeFileAtomic(join(repo, modelFile), model);
  await writeFileAtomic(join(repo, configFile), text);
  const models = await loadModelRepository(repo);
  const all = models.map((m) => ({
    name: m.name,
    config: m.config,
    versions: m.versions.map((v) => v.version),
  }));
  const name = basename(resolve(repo));
  await writeFileAtomic(join(repo, 'README.md'), repositoryReadme(repo, all));
  await writeFileAtomic(
    join(repo, 'kserve.yaml'),
    kserveManifest({
      name: dnsLabel(name),
      storageUri: options.storageUri ?? `pvc://aekit-models/${name}`,
      models: all.map((m) => m.name),
    }),
  );
  return { config, files: [modelFile, configFile, 'README.md', 'kserve.yaml'] };
}

/** Reads a model's config.pbtxt back (strictly, against model_config.proto). */
export async function readModelConfig(path: string): Promise<TritonModelConfig> {
  return parseModelConfig(await readFile(path, 'utf8'), path);
}
