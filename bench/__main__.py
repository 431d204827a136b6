"""Run every benchmark under bench/ and print one table: `make bench` or `python -m bench`.

Each module bench/bench_*.py exposes `main() -> list[Row]`; `python -m bench NAME` runs one.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from bench.common import Row, print_table


def modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def main(argv: list[str]) -> int:
    rows: list[Row] = []
    for name in modules(argv):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += importlib.import_module(f"bench.{name}").main()
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
