/** Squared distances of each row of `a` [na, d] to each row of `b` [nb, d], one query row at a time. */
export function forEachDistanceRow(
  a: Float32Array,
  b: Float32Array,
  d: number,
  visit: (i: number, squaredDistances: Float64Array) => void,
): void {
  const na = a.length / d;
  const nb = b.length / d;
  const bNorms = new Float64Array(nb);
  for (let j = 0; j < nb; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += (b[j * d + t] as number) ** 2;
    bNorms[j] = s;
  }
  // Queries in blocks of 8 against each training row, so a training row is read once per block.
  const BLOCK = 8;
  const dists = Array.from({ length: BLOCK }, () => new Float64Array(nb));
  const aNorms = new Float64Array(BLOCK);
  for (let i0 = 0; i0 < na; i0 += BLOCK) {
    const m = Math.min(BLOCK, na - i0);
    for (let q = 0; q < m; q++) {
      let s = 0;
      const o = (i0 + q) * d;
      for (let t = 0; t < d; t++) s += (a[o + t] as number) ** 2;
      aNorms[q] = s;
    }
    for (let j = 0; j < nb; j++) {
      const p = j * d;
      for (let q = 0; q < m; q++) {
        const o = (i0 + q) * d;
        let dot = 0;
        for (let t = 0; t < d; t++) dot += (a[o + t] as number) * (b[p + t] as number);
        (dists[q] as Float64Array)[j] = Math.max(0, (aNorms[q] as number) + (bNorms[j] as number) - 2 * dot);
      }
    }
    for (let q = 0; q < m; q++) visit(i0 + q, dists[q] as Float64Array);
  }
}

/** Indices of the k smallest values (ascending), skipping `skip`. */
export function smallestK(values: Float64Array, k: number, skip = -1): number[] {
  const idx: number[] = [];
  for (let j = 0; j < values.length; j++) {
    if (j === skip) continue;
    const v = values[j] as number;
    if (idx.length < k) {
      idx.push(j);
      idx.sort((x, y) => (values[x] as number) - (values[y] as number));
    } else if (v < (values[idx[k - 1] as number] as number)) {
      let pos = k - 1;
      while (pos > 0 && (values[idx[pos - 1] as number] as number) > v) pos--;
      idx.splice(pos, 0, j);
      idx.pop();
    }
  }
  return idx;
}
