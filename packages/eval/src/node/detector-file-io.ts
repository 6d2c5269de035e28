import { readFile } from 'node:fs/promises';
import { DataError } from '@aekit/core';
import { writeFileAtomic } from '@aekit/core/node';
import type { AnomalyDetector } from '../anomaly/detector.js';
import { type DetectorFile, parseDetectorFile } from '../anomaly/detector-file.js';

/** Writes `detector.toJSON(model)` to `path` atomically (a temporary file renamed over it). */
export async function saveDetector(
  path: string,
  detector: AnomalyDetector,
  model: Record<string, unknown> = {},
): Promise<DetectorFile> {
  const file = detector.toJSON(model);
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`);
  return file;
}

/** Reads and checks a detector file (`AnomalyDetector.restore` pairs it with its model). */
export async function loadDetectorFile(path: string): Promise<DetectorFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `detector file ${path}: cannot be read (${(e as Error).message}).`,
      {
        cause: e,
      },
    );
  }
  try {
    return parseDetectorFile(text);
  } catch (e) {
    if (e instanceof DataError) throw new DataError(e.code, `${path}: ${e.message}`, { cause: e });
    throw e;
  }
}
