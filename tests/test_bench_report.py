"""scripts/bench_report.py: every timed operation and figure the bench commands print ends up in the
report, with the machine's load beside them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_report_gathers_every_operation_and_figure(tmp_path):
    (tmp_path / "bench.json").write_text(json.dumps({
        "tickets": 1_000_000,
        "sweep": {"ms": 41.2, "due": 450},
        "queue_page": {"p50_ms": 31.5, "p95_ms": 40.2, "queries": [11]},
        "outbox_drain": {"emails_per_second": 270.3},
    }))  # fmt: skip
    (tmp_path / "api.json").write_text(json.dumps({"create": {"p50_ms": 25.0, "p95_ms": 48.1, "queries": [33, 38]}}))
    (tmp_path / "kb.json").write_text("")  # a part that failed before printing
    table = subprocess.run(
        [sys.executable, "scripts/bench_report.py", str(tmp_path), "--load-before", "0.50 0.60 0.70"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["sizes"] == {"tickets": 1_000_000}
    assert report["machine"]["load_average_before"] == "0.50 0.60 0.70" and report["machine"]["cores"]
    assert report["machine"]["python_yardstick_ms"] > 0  # to compare machines: same code, slower Python
    assert [(row["operation"], row["p50_ms"], row["queries"]) for row in report["operations"]] == [
        ("api: create", 25.0, [33, 38]),
        ("bench: queue_page", 31.5, 11),
    ]
    assert {row["figure"]: row["value"] for row in report["figures"]} == {
        "bench: sweep.ms": 41.2,
        "bench: outbox_drain.emails_per_second": 270.3,
    }
    assert "api: create" in table and "33/38" in table and "Python yardstick" in table
    assert "kb.json: no figures" in table
