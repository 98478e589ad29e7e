"""Write the seed inputs of the libFuzzer harness (fuzz/harness.cpp) into a directory:
every kernel x dtype x pairs of special values (+-0, subnormals, +-max, +-inf, nans, region
thresholds, negative integers and half-integers). Usage: python fuzz/make_seeds.py DIR"""

import itertools
import struct
import sys
from pathlib import Path

N_KERNELS = 14  # src/cpp/ufunc_list.hpp (the harness takes the id modulo its own count)
SPECIAL = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.1754943508222875e-38, 1e-45, 1e-30,
           0.25, 0.5, 1.0, 1.5, 2.0, 10.0, 21.5, 26.5, 100.0, 1e8, 1e30, 3.4028234663852886e38,
           1.7976931348623157e308, float("inf"), -float("inf"), float("nan"), -0.5, -1.0,
           -1.5, -2.5, -10.5, -1e30]


def main(out: str) -> None:
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    n = 0
    for fid, dbl in itertools.product(range(N_KERNELS), (0, 1)):
        for a, b in itertools.product(SPECIAL[::2], SPECIAL[1::2]):
            fmt = "<dd" if dbl else "<ff"
            try:
                payload = struct.pack(fmt, a, b)
            except OverflowError:  # double-only values in a float seed
                continue
            (d / f"seed-{fid:02d}-{dbl}-{n:05d}").write_bytes(bytes([fid, dbl]) + payload)
            n += 1
    print(f"{n} seeds in {d}")


if __name__ == "__main__":
    main(sys.argv[1])
