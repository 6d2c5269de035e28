import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataError } from '@aekit/core';
import { withAtomicFile } from '@aekit/core/node';

/** Called while a file downloads: bytes received so far, the total when the server says it, the file. */
export type ProgressCallback = (received: number, total: number | undefined, file: string) => void;

export interface DownloadOptions {
  /** Expected md5 (hex) of the downloaded bytes. */
  md5?: string;
  /** Expected sha256 (hex) of the downloaded bytes. */
  sha256?: string;
  fetch?: typeof fetch;
  onProgress?: ProgressCallback;
}

/**
 * Downloads `url` to `dest` atomically: streams into a temporary file beside `dest`, checks the md5/sha256,
 * then renames it into place. On any failure (network, HTTP status, checksum) the temporary file is removed
 * and nothing is left at `dest`. A checksum mismatch throws `DataError` 'DATA_INVALID'; a network or HTTP
 * failure throws `DataError` 'DATA_NOT_FOUND'.
 */
export async function downloadVerified(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<void> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const file = basename(dest);
  let response: Response;
  try {
    response = await doFetch(url);
  } catch (cause) {
    throw new DataError('DATA_NOT_FOUND', `download of ${url} failed: ${(cause as Error).message}`, {
      cause,
      details: { url },
    });
  }
  if (!response.ok || !response.body) {
    throw new DataError(
      'DATA_NOT_FOUND',
      `download of ${url} failed: HTTP ${response.status} ${response.statusText}`.trim(),
      { details: { url, status: response.status } },
    );
  }
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader === null ? undefined : Number(lengthHeader);
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  await withAtomicFile(dest, async (temp) => {
    const handle = await open(temp, 'wx');
    let received = 0;
    try {
      const reader = response.body!.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (cause) {
          throw new DataError(
            'DATA_NOT_FOUND',
            `download of ${url} broke off after ${received} bytes: ${(cause as Error).message}`,
            { cause, details: { url, received } },
          );
        }
        if (chunk.done) break;
        md5.update(chunk.value);
        sha256.update(chunk.value);
        await handle.write(chunk.value);
        received += chunk.value.length;
        options.onProgress?.(received, total, file);
      }
    } finally {
      await handle.close();
    }
    if (total !== undefined && Number.isFinite(total) && received !== total) {
      throw new DataError(
        'DATA_INVALID',
        `download of ${url} is incomplete: expected ${total} bytes (Content-Length), got ${received}; try again`,
        { details: { url, expected: total, actual: received } },
      );
    }
    const checks: [string, string | undefined, string][] = [
      ['md5', options.md5, md5.digest('hex')],
      ['sha256', options.sha256, sha256.digest('hex')],
    ];
    for (const [algorithm, expected, actual] of checks) {
      if (expected !== undefined && expected.toLowerCase() !== actual) {
        throw new DataError(
          'DATA_INVALID',
          `checksum mismatch for ${url}: expected ${algorithm} ${expected}, got ${actual}; ` +
            'the mirror served other bytes than the original file. Nothing was saved; ' +
            'try again later, or place a verified copy in the data directory yourself',
          { details: { url, algorithm, expected, actual } },
        );
      }
    }
  });
}
