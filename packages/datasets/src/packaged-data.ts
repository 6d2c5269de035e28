import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from '@aekit/core';

/** Where a file-based dataset (breast cancer, ECG, photos) was read from. */
export interface FileSource {
  /** 'file': the path you gave; 'system': a system package (e.g. Debian's python3-sklearn); 'package': the copy shipped here. */
  readonly kind: 'file' | 'system' | 'package';
  readonly path: string;
}

/** The path of a file shipped in this package's `data/` folder. */
export function packagedFile(relative: string): string {
  return fileURLToPath(new URL(`../data/${relative}`, import.meta.url));
}

/** The first existing path among an explicit path, system places and the shipped copy. */
export function locateFile(
  what: string,
  explicit: string | undefined,
  system: string[],
  packaged: string,
): FileSource {
  if (explicit !== undefined) {
    if (existsSync(explicit)) return { kind: 'file', path: explicit };
    throw new DataError('DATA_NOT_FOUND', `${what}: ${explicit} does not exist; pass an existing path`, {
      details: { file: explicit },
    });
  }
  for (const path of system) if (existsSync(path)) return { kind: 'system', path };
  const shipped = packagedFile(packaged);
  if (existsSync(shipped)) return { kind: 'package', path: shipped };
  throw new DataError(
    'DATA_NOT_FOUND',
    `${what} not found. Looked in: ${[...system, shipped].join(', ')}; pass { path } to a copy`,
    { details: { looked: [...system, shipped] } },
  );
}
