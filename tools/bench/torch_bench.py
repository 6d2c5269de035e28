"""PyTorch CPU peer of the aekit benchmark: same models, data, batch size, optimiser and loss.

Usage: python3 torch_bench.py <model> <images.f32 path> <count> <epochs> <batch> <threads>
Models (tools/bench/zoo.ts): dense, deep, conv, conv-bottleneck, denoising, vae, conv-vae.
Prints one JSON line: per-epoch images/s, RSS after each epoch, peak RSS, reconstruct and encode images/s.

Differences from aekit's specs, none of which changes the work done: NCHW instead of NHWC; PyTorch's
'same' padding of a stride-2 3x3 convolution is 1 on every side where TensorFlow pads 0 before and 1 after
(same output size and FLOPs); a transposed 'same' convolution is ConvTranspose2d(padding=1,
output_padding=1); Flatten orders features channel-first.
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


def stacked(hidden, latent=32):
    """denseAutoencoder() / deepAutoencoder(): ReLU everywhere, sigmoid output."""
    enc, sizes = [nn.Flatten()], [784, *hidden, latent]
    for a, b in zip(sizes, sizes[1:]):
        enc += [nn.Linear(a, b), nn.ReLU()]
    dec, back = [], [latent, *reversed(hidden), 784]
    for i, (a, b) in enumerate(zip(back, back[1:])):
        dec += [nn.Linear(a, b), nn.Sigmoid() if i == len(back) - 2 else nn.ReLU()]
    dec.append(nn.Unflatten(1, (1, 28, 28)))
    return nn.Sequential(*enc), nn.Sequential(*dec)


def c(i, o, p=1, s=1):
    return nn.Conv2d(i, o, 3, stride=s, padding=p)


def tconv(i, o):
    return nn.ConvTranspose2d(i, o, 3, stride=2, padding=1, output_padding=1)


def pool():
    return nn.MaxPool2d(2, ceil_mode=True)


def up():
    return nn.Upsample(scale_factor=2, mode='nearest')


def conv():
    # convAutoencoder(): Conv 16/8/8 3x3 relu 'same' + MaxPool 2 'same' (ceil_mode), mirrored decoder with
    # UpSampling 2 and one 'valid' conv (16x16 -> 14x14), sigmoid 3x3 output.
    enc = nn.Sequential(c(1, 16), nn.ReLU(), pool(), c(16, 8), nn.ReLU(), pool(), c(8, 8), nn.ReLU(), pool())
    dec = nn.Sequential(c(8, 8), nn.ReLU(), up(), c(8, 8), nn.ReLU(), up(), c(8, 16, 0), nn.ReLU(), up(),
                        c(16, 1), nn.Sigmoid())
    return enc, dec


def denoising():
    # denoisingAutoencoder(): convAutoencoder({ filters: [32, 32], loss: 'mse' }) on Gaussian-noised inputs.
    enc = nn.Sequential(c(1, 32), nn.ReLU(), pool(), c(32, 32), nn.ReLU(), pool())
    dec = nn.Sequential(c(32, 32), nn.ReLU(), up(), c(32, 32), nn.ReLU(), up(), c(32, 1), nn.Sigmoid())
    return enc, dec


def conv_bottleneck():
    # convBottleneckAutoencoder(): Conv 3x3/2 32, 64 -> Dense 32 (linear) -> Dense 7x7x64 -> ConvT 64, 32 -> Conv.
    enc = nn.Sequential(c(1, 32, s=2), nn.ReLU(), c(32, 64, s=2), nn.ReLU(), nn.Flatten(), nn.Linear(3136, 32))
    dec = nn.Sequential(nn.Linear(32, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)), tconv(64, 64), nn.ReLU(),
                        tconv(64, 32), nn.ReLU(), c(32, 1), nn.Sigmoid())
    return enc, dec


class Vae(nn.Module):
    """vae() / vae({ kind: 'conv' }): body -> mean and log-variance heads (16) -> reparameterised sample."""

    def __init__(self, body, hidden, dec, dim=16):
        super().__init__()
        self.body, self.dec = body, dec
        self.mean, self.log_var = nn.Linear(hidden, dim), nn.Linear(hidden, dim)

    def encode(self, x):
        h = self.body(x)
        return self.mean(h), self.log_var(h)

    def forward(self, x):
        mean, log_var = self.encode(x)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean) if self.training else mean
        return self.dec(z), mean, log_var


def dense_vae():
    body = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU())
    dec = nn.Sequential(nn.Linear(16, 512), nn.ReLU(), nn.Linear(512, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
    return Vae(body, 512, dec)


def conv_vae():
    body = nn.Sequential(c(1, 32, s=2), nn.ReLU(), c(32, 64, s=2), nn.ReLU(), nn.Flatten(), nn.Linear(3136, 128),
                         nn.ReLU())
    dec = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                        tconv(64, 64), nn.ReLU(), tconv(64, 32), nn.ReLU(), c(32, 1), nn.Sigmoid())
    return Vae(body, 128, dec)


class Ae(nn.Module):
    def __init__(self, enc, dec):
        super().__init__()
        self.enc, self.dec = enc, dec

    def encode(self, x):
        return self.enc(x)

    def forward(self, x):
        return self.dec(self.enc(x))


MODELS = {
    'dense': lambda: Ae(*stacked([])),
    'deep': lambda: Ae(*stacked([128, 64])),
    'conv': lambda: Ae(*conv()),
    'conv-bottleneck': lambda: Ae(*conv_bottleneck()),
    'denoising': lambda: Ae(*denoising()),
    'vae': dense_vae,
    'conv-vae': conv_vae,
}


def loss_fn(model_name):
    if model_name == 'denoising':
        return lambda out, target: F.mse_loss(out, target)
    if model_name in ('vae', 'conv-vae'):
        # BCE summed over pixels + KL(q(z|x) || N(0, I)), both averaged over the batch (beta 1).
        def elbo(out, target):
            y, mean, log_var = out
            n = target.shape[0]
            kl = -0.5 * torch.sum(1 + log_var - mean * mean - torch.exp(log_var)) / n
            return F.binary_cross_entropy(y, target, reduction='sum') / n + kl
        return elbo
    return lambda out, target: F.binary_cross_entropy(out, target)


def main():
    model_name, path, count, epochs, batch, threads = sys.argv[1:7]
    count, epochs, batch, threads = int(count), int(epochs), int(batch), int(threads)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.from_numpy(np.fromfile(path, dtype=np.float32, count=count * 784).reshape(count, 1, 28, 28))
    model = MODELS[model_name]()
    loss_of = loss_fn(model_name)
    noisy = model_name == 'denoising'
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    result = {'epochs': [], 'rssAfterEpoch': []}
    for _ in range(epochs):
        perm = torch.randperm(count)
        start, total = time.perf_counter(), 0.0
        for i in range(0, count, batch):
            xb = x[perm[i:i + batch]]
            # The denoiser's corruption (Gaussian, std 0.5, clipped to [0, 1]) is part of its training step.
            inp = torch.clamp(xb + 0.5 * torch.randn_like(xb), 0, 1) if noisy else xb
            opt.zero_grad()
            loss = loss_of(model(inp), xb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        seconds = time.perf_counter() - start
        result['epochs'].append({'imagesPerSecond': count / seconds, 'loss': total / count})
        result['rssAfterEpoch'].append(rss_bytes())
    model.eval()

    def rate(f):
        # As train-one.ts's rate(): a warm-up call, then passes of calls of 256 over all images until 3 are
        # done or 2 s have gone by (at least one); the median pass.
        with torch.no_grad():
            f(x[:256])
            rates, begin = [], time.perf_counter()
            while len(rates) < 3 and (not rates or time.perf_counter() - begin < 2.0):
                start = time.perf_counter()
                for i in range(0, count, 256):
                    f(x[i:i + 256])
                rates.append(count / (time.perf_counter() - start))
            return float(np.median(rates))

    result['predictImagesPerSecond'] = rate(model)
    result['encodeImagesPerSecond'] = rate(model.encode)
    result['peakRss'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result['torch'] = torch.__version__
    print(json.dumps(result))


if __name__ == '__main__':
    main()
