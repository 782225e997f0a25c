"""Times pandas.read_csv on a file (the tutorial's way): one JSON line.

    /usr/bin/python3 scripts/peers/pandas_csv.py data/mnist_train.csv
"""
import json
import sys
import time

import pandas as pd


def main():
    path = sys.argv[1]
    start = time.perf_counter()
    frame = pd.read_csv(path)
    seconds = time.perf_counter() - start
    print(json.dumps({
        'peer': 'pandas',
        'seconds': seconds,
        'rows': int(frame.shape[0]),
        'columns': int(frame.shape[1]),
    }))


if __name__ == '__main__':
    main()
