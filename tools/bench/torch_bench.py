"""PyTorch CPU peer of the aekit benchmark: same models, data, batch size, optimiser and loss.

Usage: python3 torch_bench.py <dense|deep|conv> <images.f32 path> <count> <epochs> <batch> <threads>
Prints one JSON line: per-epoch images/s, RSS after each epoch, peak RSS, inference images/s.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def rss_bytes():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def dense(hidden):
    layers, sizes = [nn.Flatten()], [784, *hidden, 32]
    for a, b in zip(sizes, sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    back = [32, *reversed(hidden), 784]
    for i, (a, b) in enumerate(zip(back, back[1:])):
        layers += [nn.Linear(a, b), nn.Sigmoid() if i == len(back) - 2 else nn.ReLU()]
    layers.append(nn.Unflatten(1, (1, 28, 28)))
    return nn.Sequential(*layers)


def conv():
    # convAutoencoder(): Conv 16/8/8 3x3 relu 'same' + MaxPool 2 'same' (ceil_mode), mirrored decoder with
    # UpSampling 2 and one 'valid' conv (16x16 -> 14x14), sigmoid 3x3 output. NCHW here, NHWC in aekit.
    c = lambda i, o, p=1: nn.Conv2d(i, o, 3, padding=p)
    pool = lambda: nn.MaxPool2d(2, ceil_mode=True)
    up = lambda: nn.Upsample(scale_factor=2, mode='nearest')
    return nn.Sequential(
        c(1, 16), nn.ReLU(), pool(), c(16, 8), nn.ReLU(), pool(), c(8, 8), nn.ReLU(), pool(),
        c(8, 8), nn.ReLU(), up(), c(8, 8), nn.ReLU(), up(), c(8, 16, 0), nn.ReLU(), up(),
        c(16, 1), nn.Sigmoid())


def main():
    model_name, path, count, epochs, batch, threads = sys.argv[1:7]
    count, epochs, batch, threads = int(count), int(epochs), int(batch), int(threads)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.from_numpy(np.fromfile(path, dtype=np.float32, count=count * 784).reshape(count, 1, 28, 28))
    model = {'dense': lambda: dense([]), 'deep': lambda: dense([128, 64]), 'conv': conv}[model_name]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    result = {'epochs': [], 'rssAfterEpoch': []}
    for _ in range(epochs):
        perm = torch.randperm(count)
        start, total = time.perf_counter(), 0.0
        for i in range(0, count, batch):
            xb = x[perm[i:i + batch]]
            opt.zero_grad()
            loss = F.binary_cross_entropy(model(xb), xb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        seconds = time.perf_counter() - start
        result['epochs'].append({'imagesPerSecond': count / seconds, 'loss': total / count})
        result['rssAfterEpoch'].append(rss_bytes())
    model.eval()
    with torch.no_grad():
        model(x[:batch])
        start = time.perf_counter()
        for i in range(0, count, 256):
            model(x[i:i + 256])
        result['predictImagesPerSecond'] = count / (time.perf_counter() - start)
    result['peakRss'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result['torch'] = torch.__version__
    print(json.dumps(result))


if __name__ == '__main__':
    main()
