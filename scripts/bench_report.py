"""Gather what `make bench` measured into one report: var/bench/report.json and a table on stdout.

Each bench command writes its JSON to var/bench/<part>.json. Every object in them that has a
``p50_ms`` is one operation (its p50, p95 and query counts); every other number whose name says it
is a duration or a rate (``ms``, ``*_ms``, ``*_s``, ``seconds``, ``*_per_second``) is listed as a figure.
The machine (cores, load average before and after, Python's version, and a yardstick: the time
a fixed pure-Python task takes here) goes in the report too, since the figures mean little without
it. Most of a request's time is Python (the database answers these queries in a fraction of a
millisecond), so the yardstick says how two machines' figures compare: twice the yardstick, about
twice the milliseconds for the same code.

    python scripts/bench_report.py var/bench [--load-before "0.52 0.61 0.70"]
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

RATE_OR_TIME = ("_ms", "_s", "seconds", "_per_second")
PLAIN_TIMES = ("ms", "seconds")


def operations(part: str, data: Any, path: str = "") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The timed operations and the other figures in one command's JSON."""
    timed: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    if isinstance(data, dict):
        if "p50_ms" in data:
            queries = data.get("queries")
            timed.append(
                {
                    "operation": f"{part}: {path}" if path else part,
                    "p50_ms": data["p50_ms"],
                    "p95_ms": data.get("p95_ms"),
                    "queries": queries if not isinstance(queries, list) or len(queries) != 1 else queries[0],
                }
            )
        for key, value in data.items():
            where = f"{path}.{key}" if path else key
            if isinstance(value, dict | list):
                more_timed, more_figures = operations(part, value, where)
                timed += more_timed
                figures += more_figures
            elif (
                key not in ("p50_ms", "p95_ms")
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and (key in PLAIN_TIMES or key.endswith(RATE_OR_TIME))
            ):
                figures.append({"figure": f"{part}: {where}", "value": value})
    elif isinstance(data, list):
        for index, value in enumerate(data):
            more_timed, more_figures = operations(part, value, f"{path}[{index}]")
            timed += more_timed
            figures += more_figures
    return timed, figures


def yardstick_ms() -> float:
    """The best of five runs of a fixed task of the kind a request does (small dicts, strings, calls)."""

    def task() -> int:
        total = 0
        for n in range(200_000):
            row = {"id": n, "name": f"row {n}"}
            total += len(row["name"]) + row["id"] % 7
        return total

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "var/bench")
    load_before = sys.argv[sys.argv.index("--load-before") + 1] if "--load-before" in sys.argv else ""
    timed: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    sizes: dict[str, Any] = {}
    for file in sorted(folder.glob("*.json")):
        if file.name == "report.json":
            continue
        try:
            data = json.loads(file.read_text())
        except ValueError:  # a part that failed before printing its figures: said, and left out
            print(f"{file.name}: no figures (the command failed; see its output above)")
            continue
        for key in ("tickets", "messages", "articles"):
            if isinstance(data.get(key), int):
                sizes[key] = max(sizes.get(key, 0), data[key])
        more_timed, more_figures = operations(file.stem, data)
        timed += more_timed
        figures += more_figures
    report = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "python_yardstick_ms": yardstick_ms(),
            "load_average_before": load_before,
            "load_average_after": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        },
        "sizes": sizes,
        "operations": timed,
        "figures": figures,
    }
    (folder / "report.json").write_text(json.dumps(report, indent=2))
    machine = report["machine"]
    print(f"sizes: {sizes}; {machine['cores']} cores; load before {load_before or '?'}, "
          f"after {machine['load_average_after']}; Python yardstick {machine['python_yardstick_ms']} ms")  # fmt: skip
    width = max((len(row["operation"]) for row in timed), default=20)
    print(f"{'operation':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for row in timed:
        queries = "/".join(map(str, row["queries"])) if isinstance(row["queries"], list) else row["queries"]
        print(f"{row['operation']:<{width}} {row['p50_ms']:>8} {row['p95_ms'] or '':>8} {queries or '':>8}")
    for row in figures:
        print(f"{row['figure']:<{width}} {row['value']:>8}")
    print(f"written: {folder / 'report.json'}")


if __name__ == "__main__":
    main()
