/**
 * Square tiles cut at seeded random places of photos, written as PNG files in one subfolder per photo: the
 * image folders of the photo benchmarks (issue #15). Run directly, it writes `count` tiles of scikit-learn's
 * china.jpg and flower.jpg (shipped in @aekit/datasets) for `aekit train --data <dir>`:
 *
 *   pnpm --filter @aekit/tools exec tsx --conditions=source bench/photo-tiles.ts <dir> [count=1200] [side=16] [seed=1]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRng } from '@aekit/core';
import { loadColorPatches, readImageFile } from '@aekit/datasets';
import { cropPng } from '@aekit/eval/images';

/** `count` tiles of side x side pixels, shared evenly among `photos`, into `dir/<photo index>/<tile>.png`. */
export async function writePhotoTiles(
  dir: string,
  photos: readonly string[],
  count: number,
  options: { side?: number; seed?: number } = {},
): Promise<void> {
  const rng = createRng(options.seed ?? 1);
  const side = options.side ?? 48;
  for (const [p, path] of photos.entries()) {
    const photo = await readImageFile(path);
    await mkdir(join(dir, String(p)), { recursive: true });
    const share = Math.floor(count / photos.length) + (p < count % photos.length ? 1 : 0);
    for (let t = 0; t < share; t++) {
      const y0 = Math.floor(rng.next() * (photo.height - side));
      const x0 = Math.floor(rng.next() * (photo.width - side));
      await writeFile(join(dir, String(p), `${t}.png`), cropPng(photo, x0, y0, side));
    }
  }
}

/** scikit-learn's china.jpg and flower.jpg, as @aekit/datasets ships or finds them. */
export function shippedPhotos(): string[] {
  return loadColorPatches({ count: 1 }).sources.map((s) => s.path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, count = '1200', side = '16', seed = '1'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: photo-tiles.ts <dir> [count=1200] [side=16] [seed=1]');
  await writePhotoTiles(dir, shippedPhotos(), Number(count), { side: Number(side), seed: Number(seed) });
  console.log(`${count} tiles of ${side}x${side} pixels of ${shippedPhotos().join(', ')} in ${dir}`);
}
