"""The tutorial's MLPClassifier, timed: prints one JSON line.

    /usr/bin/python3 scripts/peers/sklearn_mlp.py --batch 200 --epochs 1
"""
import argparse
import json
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from mnist_idx import load_train


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=200)
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--rows', type=int, default=None)
    args = parser.parse_args()
    x, y = load_train(args.rows)
    model = MLPClassifier(hidden_layer_sizes=(128, 64), activation='relu',
                          solver='adam', batch_size=args.batch,
                          max_iter=args.epochs, random_state=42)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', ConvergenceWarning)
        model.fit(x, y)
    seconds = time.perf_counter() - start
    print(json.dumps({
        'peer': 'scikit-learn',
        'batch': args.batch,
        'epochs': model.n_iter_,
        'seconds': seconds,
        'loss': float(model.loss_),
    }))


if __name__ == '__main__':
    main()
