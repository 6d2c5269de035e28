// Reading a Triton model repository: <repo>/<model>/config.pbtxt and numeric version folders with the model file.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '@aekit/core';
import { parseModelConfig, type TritonModelConfig } from './model-config.js';

export const CONFIG_FILE = 'config.pbtxt';
export const DEFAULT_MODEL_FILE = 'model.onnx';

/** One model of a repository: its config and the versions to serve, each with its model file. */
export interface RepositoryModel {
  name: string;
  config: TritonModelConfig;
  /** Served versions, ascending (the version policy of the config applied; Triton's default: the latest). */
  versions: { version: number; path: string }[];
}

type VersionPolicy = TritonModelConfig['version_policy'];

function applyPolicy(versions: number[], policy: VersionPolicy | undefined): number[] {
  if (policy?.all) return versions;
  if (policy?.specific) return versions.filter((v) => policy.specific?.versions?.includes(v));
  return versions.slice(-(policy?.latest?.num_versions ?? 1));
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}

/** The models of a Triton repository that aekit can serve (ONNX Runtime platform); fails naming what is wrong. */
export async function loadModelRepository(repo: string): Promise<RepositoryModel[]> {
  if (!existsSync(repo) || !(await isDirectory(repo))) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `model repository "${repo}" is not a directory; write one with "aekit export --format triton --out ${repo}"`,
    );
  }
  const models: RepositoryModel[] = [];
  for (const entry of (await readdir(repo, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(repo, entry.name);
    const configPath = join(dir, CONFIG_FILE);
    if (!existsSync(configPath)) {
      throw new DataError(
        'DATA_INVALID',
        `${dir}: no ${CONFIG_FILE}; every model folder of a Triton repository needs one (aekit export --format triton writes it)`,
      );
    }
    const config = parseModelConfig(await readFile(configPath, 'utf8'), configPath);
    const name = config.name || entry.name;
    if (name !== entry.name) {
      throw new DataError(
        'DATA_INVALID',
        `${configPath}: name "${name}" differs from its folder "${entry.name}"; Triton needs them equal`,
      );
    }
    const platform = config.platform ?? '';
    const backend = config.backend ?? '';
    if (platform !== 'onnxruntime_onnx' && backend !== 'onnxruntime') {
      throw new DataError(
        'DATA_INVALID',
        `${configPath}: platform "${platform}" / backend "${backend}"; aekit serve runs ONNX models only (platform "onnxruntime_onnx")`,
      );
    }
    const file = config.default_model_filename || DEFAULT_MODEL_FILE;
    const found: number[] = [];
    for (const v of await readdir(dir, { withFileTypes: true })) {
      if (v.isDirectory() && /^[0-9]+$/.test(v.name) && existsSync(join(dir, v.name, file)))
        found.push(Number(v.name));
    }
    found.sort((a, b) => a - b);
    const served = applyPolicy(found, config.version_policy);
    if (!served.length) {
      throw new DataError(
        'DATA_INVALID',
        `${dir}: no version to serve (numeric folders holding ${file}: ${found.length ? found.join(', ') : 'none'})`,
      );
    }
    models.push({
      name,
      config,
      versions: served.map((version) => ({ version, path: join(dir, String(version), file) })),
    });
  }
  if (!models.length) {
    throw new DataError(
      'DATA_INVALID',
      `model repository "${repo}" holds no model folder (<repo>/<model>/config.pbtxt)`,
    );
  }
  return models;
}
