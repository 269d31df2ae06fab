#!/usr/bin/env python
"""The heaviest functions in a py-spy ``--format raw`` profile (folded stacks): inclusive and self samples.

python benchmarks/folded_top.py FILE [--top 30] [--match trustcore]
"""

from __future__ import annotations

import argparse
import collections
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--match", default="", help="only frames whose text contains this")
    args = parser.parse_args(argv)
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for line in open(args.file, encoding="utf-8"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in set(frames):
            if args.match in frame:
                inclusive[frame] += n
        if args.match in frames[-1]:
            own[frames[-1]] += n
    print(f"{total} samples")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title}:")
        for frame, n in counter.most_common(args.top):
            print(f"{100 * n / max(total, 1):6.1f}%  {frame[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
