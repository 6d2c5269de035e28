import { DataError } from '@aekit/core';

/** What a versioned JSON file of this package is called, marked and fixed by, for `readVersionedFile`. */
export interface VersionedFileKind {
  /** How errors name the file, e.g. `detector file`. */
  what: string;
  /** Its `format` field. */
  format: string;
  /** The newest `version` this package reads (it reads every older one). */
  version: number;
  /** The fix a wrong field's error ends with, e.g. `write the file again with AnomalyDetector.toJSON`. */
  fix: string;
}

/** A wrong field of a `kind` file: a DataError naming the field, the problem and the fix. */
export function badField(kind: VersionedFileKind, field: string, problem: string): never {
  throw new DataError('DATA_INVALID', `${kind.what}: ${field} ${problem}; ${kind.fix}.`);
}

/**
 * A `kind` file (object or JSON text) as a record whose `format` and `version` are checked: not JSON, another
 * format or a bad version name the field, a newer version says to upgrade. The caller checks the rest.
 */
export function readVersionedFile(file: object | string, kind: VersionedFileKind): Record<string, unknown> {
  let f: Record<string, unknown>;
  try {
    f = (typeof file === 'string' ? JSON.parse(file) : file) as Record<string, unknown>;
  } catch (e) {
    throw new DataError('DATA_INVALID', `${kind.what}: not JSON (${(e as Error).message}).`, { cause: e });
  }
  if (typeof f !== 'object' || f === null || f.format !== kind.format) {
    const article = /^[aeiou]/.test(kind.what) ? 'an' : 'a';
    badField(kind, 'format', `is not "${kind.format}" (is this ${article} ${kind.what}?)`);
  }
  if (!Number.isInteger(f.version) || (f.version as number) < 1) {
    badField(kind, 'version', `is ${String(f.version)}`);
  }
  if ((f.version as number) > kind.version) {
    throw new DataError(
      'DATA_INVALID',
      `${kind.what}: version ${f.version} was written by a newer aekit (this one reads up to ${kind.version}); upgrade aekit.`,
    );
  }
  return f;
}
