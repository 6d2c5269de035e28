import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUT, PARTIAL_OUT, parseResultsArgs, RESULT_ROWS, ResultsUsageError } from './args.js';

const ROOT = '/repo';
const parse = (...argv: string[]) => parseResultsArgs(argv, ROOT);

describe('pnpm results: arguments', () => {
  it('writes docs/results.md and docs/images/ with the full protocol by default', () => {
    const a = parse();
    expect(a.outFile).toBe(join(ROOT, DEFAULT_OUT));
    expect(a.imagesDir).toBe(join(ROOT, 'docs/images'));
    expect(a.only).toBeUndefined();
    expect(a.dryRun).toBe(false);
    expect(a.budget).toEqual({
      train: 60000,
      test: 10000,
      epochs: 20,
      convTrain: 60000,
      batch: 256,
      i2iTrain: 4000,
      i2iEpochs: 4,
      denoisingTrain: 60000,
    });
  });

  it('a reduced budget still writes docs/results.md (the report states the budget)', () => {
    const a = parse('--', '--train', '6000', '--epochs', '3', '--conv-train', '1000');
    expect(a.outFile).toBe(join(ROOT, DEFAULT_OUT));
    expect(a.budget).toMatchObject({ train: 6000, epochs: 3, convTrain: 1000, denoisingTrain: 6000 });
  });

  it('--only without --out writes under runs/ (ignored by git), pictures beside it, not over docs/', () => {
    const a = parse('--only', 'vae,denoising');
    expect([...a.only!]).toEqual(['vae', 'denoising']);
    expect(a.outFile).toBe(join(ROOT, PARTIAL_OUT));
    expect(a.outFile.startsWith(join(ROOT, 'runs/'))).toBe(true);
    expect(a.imagesDir).toBe(join(ROOT, 'runs/results/images'));
  });

  it('--only with --out writes where asked, even docs/results.md; --images wins over the default', () => {
    expect(parse('--only', 'vae', '--out', DEFAULT_OUT).outFile).toBe(join(ROOT, DEFAULT_OUT));
    const a = parse('--only=vae', '--out=/tmp/r/results.md', '--images', 'pics', '--dry-run');
    expect(a.outFile).toBe('/tmp/r/results.md');
    expect(a.imagesDir).toBe(join(ROOT, 'pics'));
    expect(a.dryRun).toBe(true);
    expect(parse('--out', '/tmp/r/results.md').imagesDir).toBe('/tmp/r/images');
  });

  it('every row name is accepted by --only', () => {
    expect(parse('--only', RESULT_ROWS.join(',')).only!.size).toBe(RESULT_ROWS.length);
  });

  const bad: [string, string[], RegExp][] = [
    ['a misspelt flag', ['--onyl', 'vae'], /^unknown flag --onyl$/],
    ['an unknown row', ['--only', 'vae,denoise'], /^--only: unknown row "denoise"; expected some of dense, /],
    ['a missing value', ['--only'], /^--only needs a value$/],
    ['a flag as the value', ['--out', '--only', 'vae'], /^--out needs a value$/],
    ['a non-integer budget', ['--epochs', 'three'], /^--epochs must be a positive integer, got "three"$/],
    ['a zero budget', ['--train', '0'], /^--train must be a positive integer, got "0"$/],
    ['a stray argument', ['vae'], /^unexpected argument "vae"/],
  ];
  it.each(bad)('refuses %s before anything runs', (_, argv, message) => {
    expect(() => parse(...argv)).toThrow(ResultsUsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});
