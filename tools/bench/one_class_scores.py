"""AUROC of score combinations from bench/one-class-dump.ts's files, on the protocol of AnomalyDetector.

Usage: one_class_scores.py DIR MODEL [MODEL ...]   (MODEL as in the file names, e.g. deep64-s1)

Per class: the dump's training images (the first 90% of the class) are split again, the first 90% as the
detector's fit set, the rest as its calibration set. Parts per model: `nmse` (each pixel's squared error divided
by its mean on the fit set + 1e-4, averaged), `lknn` (distance to the 5th nearest fitted code, codes standardised
per value with the fit set's mean and std + 1e-6, scikit-learn's NearestNeighbors) and `lknn-raw` (raw codes).
Each part is z-scored with its calibration mean and std; every combination of the parts is summed and ranked
by its mean AUROC over the classes (roc_auc_score; anomaly = any other class). Prints the best 12.
"""
import gzip
import itertools
import struct
import sys

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

D = 784
LABELS = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz'


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    dims = struct.unpack('>' + 'I' * data[3], data[4:4 + 4 * data[3]])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * data[3]).reshape(dims)


def z(scores, reference):
    return (scores - reference.mean()) / reference.std()


def kth(fit, query, k=5):
    return NearestNeighbors(n_neighbors=k).fit(fit).kneighbors(query)[0][:, -1]


directory, models = sys.argv[1], sys.argv[2:]
labels = read_idx(LABELS)
aurocs = {}
for c in range(10):
    truth = (labels != c).astype(int)
    parts = {}
    for m in models:
        base = f'{directory}/{c}-{m}'
        test_err = np.fromfile(base + '-testerr', np.float32).reshape(-1, D)
        fit_err = np.fromfile(base + '-fiterr', np.float32).reshape(-1, D)
        n_fit = int(len(fit_err) * 0.9)
        scale = fit_err[:n_fit].mean(0) + 1e-4
        parts[m + ':nmse'] = z((test_err / scale).mean(1), (fit_err[n_fit:] / scale).mean(1))
        fit_code = np.fromfile(base + '-fitcode', np.float32).astype(np.float64)
        size = fit_code.size // len(fit_err)
        fit_code = fit_code.reshape(-1, size)
        test_code = np.fromfile(base + '-testcode', np.float32).astype(np.float64).reshape(-1, size)
        fitted, calibration = fit_code[:n_fit], fit_code[n_fit:]
        mean, std = fitted.mean(0), fitted.std(0) + 1e-6
        standard = lambda v: (v - mean) / std  # noqa: E731
        parts[m + ':lknn'] = z(kth(standard(fitted), standard(test_code)),
                               kth(standard(fitted), standard(calibration)))
        parts[m + ':lknn-raw'] = z(kth(fitted, test_code), kth(fitted, calibration))
    names = list(parts)
    for r in range(1, min(len(names), 4) + 1):
        for combo in itertools.combinations(names, r):
            score = sum(parts[n] for n in combo)
            aurocs.setdefault(' + '.join(combo), []).append(roc_auc_score(truth, score))
for name, values in sorted(aurocs.items(), key=lambda kv: -np.mean(kv[1]))[:12]:
    print(f'{np.mean(values):.4f}  {name}  ' + ' '.join(f'{v:.3f}' for v in values))
