// The ECG protocol's beat labels (bench/ecg_beats.py on the file loadEcg reads, docs/series-anomaly.md):
// the counts the document states, and the definition's rules on every beat.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setLogger } from '@aekit/core';
import { loadEcg } from '@aekit/datasets';
import { describe, expect, it } from 'vitest';

setLogger({ info() {}, warn() {} });
const script = fileURLToPath(new URL('../bench/ecg_beats.py', import.meta.url));

describe('ECG beat labels (MIT-BIH 208, from the signal)', () => {
  const ecg = loadEcg();
  const beats = JSON.parse(
    execFileSync('/usr/bin/python3', [script, ecg.source.path], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as {
    count: number;
    peaks: number[];
    widths: number[];
    medianWidth: number;
    wide: number[];
    premature: number[];
  };

  it('507 beats: 133 wide, 20 premature (14 of them wide), as docs/series-anomaly.md states', () => {
    expect(beats.count).toBe(ecg.count);
    expect(beats.peaks).toHaveLength(507);
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    expect(sum(beats.wide)).toBe(133);
    expect(sum(beats.premature)).toBe(20);
    expect(sum(beats.wide.map((w, i) => w * (beats.premature[i] as number)))).toBe(14);
  });

  it('peaks at least 90 steps apart; wide = half-prominence width over 1.5 x the median', () => {
    for (let i = 1; i < beats.peaks.length; i++) {
      expect((beats.peaks[i] as number) - (beats.peaks[i - 1] as number)).toBeGreaterThanOrEqual(90);
    }
    beats.widths.forEach((w, i) => {
      expect(beats.wide[i]).toBe(w > 1.5 * beats.medianWidth ? 1 : 0);
    });
  });
});
