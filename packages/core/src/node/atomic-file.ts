import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** The temporary name a file is written under before it is renamed over `path`: same directory, hidden. */
export function temporaryPathFor(path: string): string {
  const target = resolve(path);
  return join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `path` atomically: `write` fills a temporary file in the same directory, which is then flushed to disk
 * and renamed over `path`, so a reader (or a crash) sees the old file or the new one, never half of one. On
 * failure the temporary file is removed and the error rethrown. Creates the parent directory when needed.
 */
export async function withAtomicFile<T>(
  path: string,
  write: (temporaryPath: string) => Promise<T>,
): Promise<T> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = temporaryPathFor(target);
  try {
    const result = await write(tmp);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
    return result;
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Writes bytes or text to `path` atomically (see `withAtomicFile`). */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | Uint8ClampedArray | string,
): Promise<void> {
  await withAtomicFile(path, async (tmp) => {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(
        data instanceof Uint8ClampedArray
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : data,
      );
    } finally {
      await handle.close();
    }
  });
}
