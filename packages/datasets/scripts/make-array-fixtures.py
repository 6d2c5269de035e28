#!/usr/bin/python3
"""Writes the small .npy/.npz fixtures of the parser property tests with NumPy itself.

Run from packages/datasets: /usr/bin/python3 scripts/make-array-fixtures.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'arrays')
os.makedirs(OUT, exist_ok=True)
a = (np.arange(12, dtype=np.float32).reshape(3, 4) / 7).astype(np.float32)
b = np.arange(-2, 3, dtype=np.int16)
np.savez(os.path.join(OUT, 'stored.npz'), a=a, b=b)
np.savez_compressed(os.path.join(OUT, 'deflated.npz'), a=a, b=b)
np.save(os.path.join(OUT, 'float32-3x4.npy'), a)
np.save(os.path.join(OUT, 'uint8-5.npy'), np.arange(5, dtype=np.uint8))
print('wrote', sorted(os.listdir(OUT)))
