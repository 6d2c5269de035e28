// loadUserData on a CSV with a column of text: --columns reads only the chosen ones; without them, one line
// naming the column and the flags that leave it out.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserData } from './user-data.js';

let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-user-data-'));
  csv = join(dir, 'parts.csv');
  await writeFile(csv, 'name,a,b,kind\nfoo,1,2,x\nbar,3,4,y\nbaz,5,6,x\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadUserData: a table with text columns', () => {
  it('--columns reads only its columns (and the label): text elsewhere is not an error', async () => {
    const t = await loadUserData(csv, { columns: ['a', '2'], labelColumn: 'kind' }, '--data');
    expect(t.columns).toEqual(['a', 'b']);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.labelNames).toEqual(['x', 'y']);
  });
  it('without --columns: one line naming the column, --columns and --id-column', async () => {
    await expect(loadUserData(csv, { labelColumn: 'kind' }, '--data')).rejects.toThrow(
      /parts\.csv: column "name" \(index 0\) holds text in every row \("foo"\.\.\.\); choose the numeric columns with --columns, or make it the id column with --id-column$/,
    );
    const byId = await loadUserData(csv, { idColumn: 'name', labelColumn: 'kind' }, '--data');
    expect(byId.rowIds).toEqual(['foo', 'bar', 'baz']);
    expect(byId.columns).toEqual(['a', 'b']);
  });
});
