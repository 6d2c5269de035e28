/**
 * A folder of 20,000 RGB 64x64 PNG crops of the shipped photos (scikit-learn's china.jpg and flower.jpg), in one
 * subfolder per photo: decode time of the whole folder with 1 and with 2 threads (loadImageFolder in this
 * process), then one epoch of the conv model on it through the CLI (a child process under /usr/bin/time -v for
 * its peak RSS). The folder is made in the temporary directory and removed at the end.
 *
 *   pnpm --filter @aekit/tools bench:image-folder [count=20000] [device=wasm] [decode|train]
 *
 * The CLI run decodes the folder again on every core and prints how long that took, then its epoch, and its test
 * MSE against the mean-sample baseline (PCA is skipped for a code of more than 256 values).
 *
 * Last run (2026-12-01, `nice -n 10`, wasm, the 2-core machine shared with other jobs: load average 6.4 7.2 5.4
 * at the end, so the wall times are long and the 2-thread decode lost its second core to them):
 *   decode (loadImageFolder): 1 thread 157.5 s wall (127 img/s), 95.6 s CPU; 2 threads 254.5 s wall (79 img/s),
 *     93.6 s CPU; the CLI's own decode on 2 threads 215.3 s. (Earlier, on a quieter machine: 63.8 s / 48.9 s.)
 *   one conv epoch: 14,400 training images (1,600 validating), batch 64: 69.0 s (209 img/s), loss 0.5088,
 *     val loss 0.4594 (earlier 40.3 s).
 *   test MSE 0.0132 (minmax units) on the 4,000 held-out images against the mean-sample baseline's 0.1056;
 *     PCA(512) skipped (the conv code has 512 values).
 *   peak RSS 3,115 MB (VmHWM, /usr/bin/time -v), of which the samples are 938 MB as float32; 340.2 s wall.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@aekit/core';
import { loadColorPatches, loadImageFolder, readImageFile } from '@aekit/datasets';
import { cropPng } from '@aekit/eval/images';

const count = Number(process.argv[2] ?? 20_000);
const device = process.argv[3] ?? 'wasm';
const only = process.argv[4]; // 'decode' or 'train': one half of the bench
const size = 64;
const bin = fileURLToPath(new URL('../../apps/cli/src/bin.ts', import.meta.url));

/** One epoch of the conv model on `data` through the CLI, under /usr/bin/time -v. */
function train(data: string): string {
  const root = dirname(data);
  const out = join(root, 'run');
  const args = [
    '-v',
    process.execPath,
    '--import',
    'tsx',
    '--conditions=source',
    bin,
    'train',
    '--data',
    data,
    '--image-size',
    `${size}x${size}`,
    '--model',
    'conv',
    '--epochs',
    '1',
    '--batch-size',
    '64',
    '--patience',
    '0',
    '--device',
    device,
    '--out',
    out,
  ];
  const t = performance.now();
  const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t) / 1000;
  for (const line of run.stdout.split('\n').filter(Boolean)) console.log(`  | ${line}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  if (run.status !== 0) console.log(run.stderr);
  const line =
    `aekit train --data (${count} images, conv, 1 epoch, ${device}): exit ${run.status}, ${wall.toFixed(1)} s wall, peak RSS ${rss ? (Number(rss[1]) / 1024).toFixed(0) : '?'} MB` +
    ` (the samples alone: ${((count * size * size * 3 * 4) / 2 ** 20).toFixed(0)} MB as float32)`;
  console.log(line);
  // The CLI's own lines the note quotes: its decode, the epoch and the test MSE against the baselines.
  const quoted = run.stdout
    .split('\n')
    .filter((l) => /decod|epoch|test MSE/i.test(l))
    .map((l) => `  cli: ${l.trim()}`);
  return [line, ...quoted].join('\n');
}

const root = await mkdtemp(join(tmpdir(), 'aekit-20k-'));
try {
  const rng = createRng(7);
  const photos = loadColorPatches({ count: 1 }).sources.map((s) => s.path);
  let t = performance.now();
  for (const [p, path] of photos.entries()) {
    const photo = await readImageFile(path);
    const name = path.includes('china') ? 'china' : 'flower';
    await mkdir(join(root, 'photos', name), { recursive: true });
    const share = Math.floor(count / photos.length) + (p < count % photos.length ? 1 : 0);
    for (let i = 0; i < share; i++) {
      // A random crop of 64..192 pixels, so most files need a resize on load.
      const side = size + Math.floor(rng.next() * 2 * size);
      const y0 = Math.floor(rng.next() * (photo.height - side));
      const x0 = Math.floor(rng.next() * (photo.width - side));
      await writeFile(join(root, 'photos', name, `${i}.png`), cropPng(photo, x0, y0, side));
    }
  }
  const data = join(root, 'photos');
  console.log(
    `made ${count} PNG crops (64..191 px squares) of ${photos.length} photos in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // Decoding on 1 and on 2 threads, with this process' CPU time (user + system, every thread) beside the wall
  // time: on a machine shared with other jobs the wall times alone say little.
  const seconds: Record<number, number> = {};
  const summary: string[] = [];
  for (const workers of only === 'train' ? [] : [1, 2]) {
    t = performance.now();
    const cpu = process.cpuUsage();
    const folder = await loadImageFolder(data, { size: [size, size], channels: 3, workers });
    seconds[workers] = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    summary.push(
      `decode ${folder.count} images to ${size}x${size}x3 on ${folder.workers} thread(s): ${seconds[workers]!.toFixed(2)} s wall (${Math.round(folder.count / seconds[workers]!)} img/s), ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`,
    );
    console.log(summary.at(-1));
  }
  if (only !== 'train') {
    summary.push(`decode speed-up 2 threads vs 1 (wall): ${(seconds[1]! / seconds[2]!).toFixed(2)}x`);
    console.log(summary.at(-1));
  }

  if (only !== 'decode') summary.push(train(data));
  console.log(
    `\nsummary (${count} images, ${size}x${size}x3, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}):`,
  );
  for (const line of summary) console.log(line);
} finally {
  await rm(root, { recursive: true, force: true });
}
