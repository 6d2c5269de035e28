"""scikit-learn peer of bench/tabular.ts: PCA and kNN on the same one-class splits.

Reads one JSON object on stdin: features (raw rows, row-major), featureCount, anomaly (0/1 per row),
components, k, percentile and splits ([{seed, train, test}] row indices, as oneClassSplit chose them).
Per split: MinMaxScaler statistics of the training rows (float32, as the TypeScript side), PCA(components,
svd_solver='full') reconstruction MSE, distance to the k-th nearest training row (training scores: leave-one-out),
roc_auc_score, average_precision_score and the percentile threshold of the training scores.
Prints one JSON line: [{seed, pca: {auroc, prAuc, threshold, flagged, trueFlags}, knn: {...}}].
"""
import json
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors

job = json.load(sys.stdin)
d = job['featureCount']
x = np.asarray(job['features'], dtype=np.float32).astype(np.float64).reshape(-1, d)
anomaly = np.asarray(job['anomaly'], dtype=int)
out = []
for split in job['splits']:
    train, test = np.asarray(split['train']), np.asarray(split['test'])
    lo, hi = x[train].min(0), x[train].max(0)
    span = np.where(hi > lo, hi - lo, 1)
    scaled = np.where(hi > lo, (x - lo) / span, 0).astype(np.float32).astype(np.float64)
    x_train, x_test, y = scaled[train], scaled[test], anomaly[test]
    p = PCA(n_components=job['components'], svd_solver='full').fit(x_train)
    pca_error = lambda a: ((a - p.inverse_transform(p.transform(a))) ** 2).mean(1)
    k = job['k']
    nn = NearestNeighbors(n_neighbors=k).fit(x_train)
    knn_test = nn.kneighbors(x_test)[0][:, k - 1]
    knn_train = nn.kneighbors(x_train, n_neighbors=k + 1)[0][:, k]  # leave-one-out: skip the row itself
    row = {'seed': split['seed']}
    for name, s, t in [('pca', pca_error(x_test), pca_error(x_train)), ('knn', knn_test, knn_train)]:
        threshold = float(np.percentile(t, job['percentile']))
        flag = s > threshold
        row[name] = {
            'auroc': float(roc_auc_score(y, s)),
            'prAuc': float(average_precision_score(y, s)),
            'threshold': threshold,
            'flagged': int(flag.sum()),
            'trueFlags': int((flag & (y == 1)).sum()),
        }
    out.append(row)
print(json.dumps(out))
