"""The pandas side of benches/csv.rs: time pandas.read_csv on one file.

Usage: python benches/pandas_read_csv.py FILE.csv
Prints "read_csv_seconds S" (wall time of the call alone, default options, C parser),
"read_csv_cpu_seconds C" (the CPU time this process spent in the call: load-independent,
comparable with gradscope's user + system time) and the shape.
Run by `cargo bench --bench csv`, or by hand on the file it generates
(target/csv-bench/numbers-1500000x9.csv).
"""

import sys
import time

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    start, cpu_start = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"read_csv_seconds {seconds:.4f}")
    print(f"read_csv_cpu_seconds {cpu:.4f}")
    print(f"shape {frame.shape[0]} x {frame.shape[1]}, pandas {pd.__version__}")


if __name__ == "__main__":
    main()
