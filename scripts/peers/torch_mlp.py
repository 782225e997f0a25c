"""The tutorial's PyTorch loop (2 threads), timed: prints one JSON line.

    /usr/bin/python3 scripts/peers/torch_mlp.py --batch 32 --epochs 1
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

from mnist_idx import load_train


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--rows', type=int, default=None)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    x, y = load_train(args.rows)
    start = time.perf_counter()
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                        batch_size=args.batch, shuffle=True)
    model = Model()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    model.train()
    epoch_seconds = []
    avg_loss = float('nan')
    for _ in range(args.epochs):
        epoch_start = time.perf_counter()
        total_loss = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        avg_loss = total_loss / len(loader)
        epoch_seconds.append(time.perf_counter() - epoch_start)
    print(json.dumps({
        'peer': 'PyTorch',
        'batch': args.batch,
        'epochs': args.epochs,
        'seconds': time.perf_counter() - start,
        'epoch_seconds': epoch_seconds,
        'loss': avg_loss,
        'threads': torch.get_num_threads(),
    }))


if __name__ == '__main__':
    main()
