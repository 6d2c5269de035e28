"""Beat labels of the ECG record for bench/ecg-anomaly.ts, from the signal itself (no annotations ship offline).

The record: SciPy's electrocardiogram() (MIT-BIH Arrhythmia Database record 208, lead MLII, the first 5 minutes,
360 Hz, mV). Steps, all SciPy:
  1. baseline = medfilt(medfilt(x, 71), 215) (200 ms then 600 ms median filters, as de Chazal et al. 2004);
     y = x - baseline.
  2. R peaks: find_peaks(y, distance=90 (250 ms), prominence=0.6 mV).
  3. QRS width: peak_widths(y, peaks, rel_height=0.5)[0] (samples at half prominence).
  4. wide: width > 1.5 x the median width of the record's beats.
  5. premature: the R-R interval before the beat < 0.8 x the median of its neighbouring R-R intervals (up to 4
     before and 4 after, its own left out).
  A beat is anomalous when it is wide or premature.

Usage: python3 ecg_beats.py ECG.dat [plot.png]  (ECG.dat: SciPy's ecg.dat, the file loadEcg reads; prints one
JSON line; with a second path, also draws labelled beats there)
"""
import json
import sys
import numpy as np
from scipy.signal import find_peaks, medfilt, peak_widths

PARAMS = {
    'baselineKernels': [71, 215],
    'distance': 90,
    'prominence': 0.6,
    'relHeight': 0.5,
    'wideFactor': 1.5,
    'prematureFactor': 0.8,
    'neighbours': 4,
}

# The file loadEcg of @aekit/datasets read (SciPy's ecg.dat): as scipy.misc.electrocardiogram, (raw - 1024) / 200.
with np.load(sys.argv[1]) as archive:
    x = (archive['ecg'].astype(np.float64) - 1024) / 200
k1, k2 = PARAMS['baselineKernels']
baseline = medfilt(medfilt(x, k1), k2)
y = x - baseline
peaks, _ = find_peaks(y, distance=PARAMS['distance'], prominence=PARAMS['prominence'])
widths = peak_widths(y, peaks, rel_height=PARAMS['relHeight'])[0]
wide = widths > PARAMS['wideFactor'] * np.median(widths)
rr = np.diff(peaks)
premature = np.zeros(len(peaks), dtype=bool)
n = PARAMS['neighbours']
for i in range(1, len(peaks)):
    own = i - 1  # rr[own] is the interval before beat i
    neighbours = np.concatenate([rr[max(0, own - n):own], rr[own + 1:own + 1 + n]])
    premature[i] = rr[own] < PARAMS['prematureFactor'] * np.median(neighbours)

if len(sys.argv) > 2:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    kinds = [
        ('normal', np.where(~wide & ~premature)[0], 'tab:blue'),
        ('wide', np.where(wide & ~premature)[0], 'tab:red'),
        ('premature', np.where(premature)[0], 'tab:orange'),
    ]
    fig = plt.figure(figsize=(14, 9))
    strip = fig.add_subplot(4, 1, 1)
    a, b = 16 * 360, 26 * 360
    strip.plot(np.arange(a, b) / 360, y[a:b], lw=0.7, color='black')
    for name, idx, colour in kinds:
        at = peaks[idx][(peaks[idx] >= a) & (peaks[idx] < b)]
        strip.plot(at / 360, y[at], 'o', mfc='none', color=colour, label=name)
    strip.set_xlabel('seconds'); strip.set_ylabel('mV (baseline removed)'); strip.legend(loc='upper right', fontsize=8)
    strip.set_title('Record 208, 16-26 s: R peaks by label')
    for r, (name, idx, colour) in enumerate(kinds):
        for c, i in enumerate(idx[np.linspace(0, len(idx) - 1, 6).astype(int)] if len(idx) else []):
            ax = fig.add_subplot(4, 6, 6 * (r + 1) + c + 1)
            s = peaks[i]
            ax.plot(np.arange(-64, 128) / 360 * 1000, y[s - 64:s + 128] if s >= 64 else np.zeros(192), color=colour, lw=0.8)
            ax.set_title(f'{name} {s / 360:.1f} s, width {widths[i]:.0f}', fontsize=7)
            ax.tick_params(labelsize=6)
            ax.set_xlabel('ms from the R peak', fontsize=6)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=70)

print(json.dumps({
    'params': PARAMS,
    'count': int(len(x)),
    'baseline': [round(float(v), 6) for v in baseline],
    'peaks': peaks.tolist(),
    'widths': [round(float(w), 3) for w in widths],
    'medianWidth': float(np.median(widths)),
    'medianRr': float(np.median(rr)),
    'wide': wide.astype(int).tolist(),
    'premature': premature.astype(int).tolist(),
}))
