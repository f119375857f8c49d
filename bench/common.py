"""Shared helpers of the benchmark scripts: where the shared data is, peak memory, writing results."""

from __future__ import annotations

import importlib.util
import json
import platform
import resource
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCRAPINGHUB = SHARED / "benchmarks" / "extraction" / "scrapinghub"
SEEDS = SHARED / "seeds"
ACCEPTANCE = SHARED / "acceptance"
RESULTS = ROOT / "bench" / "results"


def require(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"benchmark data not found: {path} (it lives in ../shared next to the repository)")
    return path


def load_module(path: Path, name: str) -> ModuleType:
    """Import a scorer script from its file (the shared scorers are scripts, not packages)."""
    spec = importlib.util.spec_from_file_location(name, require(path))
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_scrapinghub_scorer() -> ModuleType:
    return load_module(SCRAPINGHUB / "score.py", "scrapinghub_score")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1_048_576


def machine() -> dict[str, Any]:
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(),
               **payload}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_results_if_default(name: str, payload: dict[str, Any], default_run: bool) -> Path:
    """The results file for the run a script's docs describe; any other run's figures go to bench/work/ (so a
    quick check never overwrites the figures the README quotes). Prints where they went."""
    if default_run:
        path = write_results(name, payload)
        print(f"written to {path}")
        return path
    path = ROOT / "bench" / "work" / f"{name}_metrics.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"not the default run: figures in {path}")
    return path
