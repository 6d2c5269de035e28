// aekit train --data <folder> on bad items: each is one line naming the file and the fix, exit 1 and nothing in
// --out; with --skip-bad they are left out and counted. Real files: the fixtures and photos of @aekit/datasets.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE } from '../main.js';
import { aekit } from '../test-utils/aekit.js';

const datasets = fileURLToPath(new URL('../../../../packages/datasets/', import.meta.url));
const fixtures = join(datasets, 'fixtures', 'images');
const photos = join(datasets, 'data', 'photos');
let root: string;

/** A folder of good images of mixed kinds (grey, grey + alpha, palette, RGB, RGBA; PNG and JPEG) plus `bad`. */
async function folder(name: string, bad?: { file: string; bytes: Uint8Array | string }): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const good = [
    'grey-8bit.png',
    'la-8bit.png',
    'palette-8bit.png',
    'rgb-8bit.png',
    'rgba-8bit.png',
    'rgb-baseline.jpg',
  ];
  for (const [i, f] of good.entries()) await copyFile(join(fixtures, f), join(dir, `${i}-${f}`));
  if (bad) await writeFile(join(dir, bad.file), bad.bytes);
  return dir;
}

const train = (data: string, out: string, ...extra: string[]) =>
  aekit(
    'train',
    '--data',
    data,
    '--image-size',
    '8x8',
    '--epochs',
    '1',
    '--batch-size',
    '4',
    '--validation-fraction',
    '0',
    '--test-fraction',
    '0.3',
    '--device',
    'wasm',
    '--out',
    out,
    ...extra,
  );

/** `out` holds nothing (it may not exist). */
async function empty(out: string): Promise<boolean> {
  return !existsSync(out) || (await readdir(out)).length === 0;
}

let cases: { name: string; file: string; bytes: Uint8Array | string; message: RegExp }[];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-train-images-bad-'));
  const png = await readFile(join(fixtures, 'rgb-8bit.png'));
  const jpeg = await readFile(join(photos, 'flower.jpg'));
  cases = [
    {
      name: 'non-image',
      file: 'notes.txt',
      bytes: 'not a picture',
      message: /notes\.txt: not a PNG or JPEG file/,
    },
    {
      name: 'corrupt JPEG',
      file: 'corrupt.jpg',
      // The header of a real photo, then noise where the entropy-coded data should be.
      bytes: Buffer.concat([jpeg.subarray(0, 600), Buffer.alloc(3000, 0x5a)]),
      message: /corrupt\.jpg: /,
    },
    {
      name: 'truncated PNG',
      file: 'cut.png',
      bytes: png.subarray(0, png.length - 20),
      message: /cut\.png: /,
    },
    {
      name: 'image with an image extension but other bytes',
      file: 'fake.png',
      bytes: 'GIF89a not really',
      message: /fake\.png: not a PNG or JPEG file/,
    },
  ];
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('aekit train --data <folder> with bad items', () => {
  it('each bad item: exit 1, one line naming the file and --skip-bad, nothing in --out', async () => {
    for (const [i, c] of cases.entries()) {
      const data = await folder(`bad-${i}`, c);
      const out = join(root, `out-${i}`);
      const r = await train(data, out);
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(EXIT_FAILURE);
      expect(r.stderrLines, c.name).toHaveLength(1);
      expect(r.stderr, c.name).toMatch(c.message);
      expect(r.stderr, c.name).toMatch(/--skip-bad/);
      expect(await empty(out), c.name).toBe(true);
    }
  });

  it('mixed channel counts are converted (grey, grey + alpha, palette, RGB, RGBA to --channels), not refused', async () => {
    const data = await folder('mixed');
    for (const channels of ['1', '3']) {
      const out = join(root, `mixed-${channels}`);
      const r = await train(data, out, '--channels', channels);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`on 4 8x8x${channels} images of .*mixed`));
    }
  });

  it('--skip-bad leaves every bad item out, counts them in the summary and trains on the rest', async () => {
    const data = await folder('all-bad-kinds');
    for (const c of cases) await writeFile(join(data, c.file), c.bytes);
    const out = join(root, 'skipped');
    const r = await train(data, out, '--skip-bad');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /: 6 images decoded on 1 thread in \S+ s; 4 bad files skipped \(--skip-bad\), the first: corrupt\.jpg: /,
    );
    expect(r.stdout).toMatch(/test MSE .* · 4 bad files skipped$/m);
  });

  it('a folder too large for memory is refused before decoding, with the size it needs and the fix', async () => {
    const out = join(root, 'huge');
    const r = await aekit(
      'train',
      '--data',
      await folder('big'),
      '--image-size',
      '20000x20000',
      '--out',
      out,
    );
    expect(r.code).toBe(EXIT_FAILURE);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderr).toMatch(
      /--data .*big: 6 images of 20000x20000x3 need 28\.8 GB as float32, and a run holds 3 copies: more than the limit of .* \(half of this machine's memory\); pass --limit <n> or a smaller --image-size/,
    );
    expect(await empty(out)).toBe(true);
  });
});
