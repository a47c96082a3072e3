#!/usr/bin/env python3
"""Write the Zhaoling District 2020 example data set (the generator lives in trainlog.zhaoling).

Usage: python examples/make_zhaoling.py [OUTPUT_DIR]   (default: examples/zhaoling2020)
"""

import sys
from pathlib import Path

from trainlog.demo.zhaoling import write_dataset

if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "zhaoling2020"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    for path in write_dataset(out):
        print(path)  # noqa: T201
