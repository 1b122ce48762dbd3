"""The pandas side of benches/csv.rs: time pandas.read_csv on one file.

Usage: python benches/pandas_read_csv.py FILE.csv
Prints "read_csv_seconds S" (the call alone, default options, C parser) and the shape.
Run by `cargo bench --bench csv`, or by hand on the file it generates
(target/csv-bench/numbers-1500000x9.csv).
"""

import sys
import time

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    start = time.perf_counter()
    frame = pd.read_csv(path)
    seconds = time.perf_counter() - start
    print(f"read_csv_seconds {seconds:.4f}")
    print(f"shape {frame.shape[0]} x {frame.shape[1]}, pandas {pd.__version__}")


if __name__ == "__main__":
    main()
