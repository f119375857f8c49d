"""Streaming a large WARC.gz through `parallax ingest-warc`: pages/s, and memory that does not grow with the WARC.

    .venv/bin/python bench/warc_stream.py [--records 20000] [--small 2000] [--workers 0 2]

WARC: a synthetic CC-NEWS-like file of `--records` HTTP response records (one gzip member each, as in
CC-NEWS), cycling through the ScrapingHub benchmark pages (181 real news pages), each copy with one paragraph of
its own added after the page's second paragraph (so copies are distinct inputs, most of them distinct
articles). A second WARC holds the first `--small` records. Both are built once and kept in
`bench/work/warc_stream/`.

For each WARC and each `--workers` value, `parallax ingest-warc WARC --no-nlp --no-stories --workers N` runs
in a subprocess into a fresh store; every 0.25 s the script samples the resident memory (RSS) of the command
and its worker processes (from /proc) and the inputs already in the store. Reported: pages/s over the whole
command (start-up included), RSS of the main process and of all processes together at 2k / 10k / 20k records,
their peaks, and the store's counts. Writes `bench/results/warc_stream.json` (default settings only; others:
`bench/work/`).
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from common import ROOT, SCRAPINGHUB, require, write_results_if_default

CLI = [sys.executable, "-c", "from parallax.cli import app; app()"]
WORK = ROOT / "bench" / "work" / "warc_stream"
MARKS = (2_000, 10_000, 20_000)


def _member(headers: list[tuple[str, str]], block: bytes) -> bytes:
    """One WARC record as its own gzip member (level 6: CC-NEWS files are gzipped per record, like this)."""
    head = "WARC/1.0\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode("utf-8") + block + b"\r\n\r\n", compresslevel=6)


def _distinct(html: bytes, number: int) -> bytes:
    own = (f"<p>Update {number}: the desk added note {number * 13 + 7} to this report, with reference "
           f"{number:06d}.</p>").encode("ascii")
    second = html.find(b"</p>", html.find(b"</p>") + 4)
    cut = second + 4 if second >= 0 else max(html.rfind(b"</body>"), 0)
    return html[:cut] + own + html[cut:]


def build_warc(path: Path, records: int) -> Path:
    """The synthetic WARC.gz, built once (under a temporary name, then renamed)."""
    if path.exists():
        return path
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(require(SCRAPINGHUB / "html").glob("*.html.gz"))]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        info = b"software: parallax bench/warc_stream.py\r\nformat: WARC File Format 1.0\r\n"
        handle.write(_member([("WARC-Type", "warcinfo"), ("WARC-Date", "2024-01-01T00:00:00Z"),
                              ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
                              ("Content-Type", "application/warc-fields")], info))
        for number in range(records):
            body = _distinct(pages[number % len(pages)], number)
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
            handle.write(_member([
                ("WARC-Type", "response"), ("WARC-Date", "2024-01-01T00:00:00Z"),
                ("WARC-Record-ID", f"<urn:uuid:{uuid.UUID(int=number)}>"),
                ("WARC-Target-URI", f"https://news{number % 181}.example/2024/01/01/story-{number}.html"),
                ("Content-Type", "application/http; msgtype=response")], http))
    partial.rename(path)
    return path


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = [int(c) for c in handle.read().split()]
    except OSError:
        return []
    return children + [g for c in children for g in _descendants(c)]


def _inputs(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM inputs").fetchone()[0])
    except sqlite3.Error:
        return 0


def run(warc: Path, workers: int) -> dict[str, Any]:
    """`ingest-warc` over one WARC in a subprocess, sampled; its figures."""
    with tempfile.TemporaryDirectory() as work:
        db, out = Path(work) / "run.db", Path(work) / "shards"
        command = [*CLI, "ingest-warc", str(warc), "--db", str(db), "--out", str(out), "--no-nlp", "--no-stories",
                   "--workers", str(workers), "--quiet"]
        samples: list[tuple[int, float, float]] = []  # (inputs in the store, main RSS, RSS of all processes)
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.25):
                main = _rss_mb(process.pid)
                total = main + sum(_rss_mb(child) for child in _descendants(process.pid))
                if main:
                    samples.append((_inputs(db), main, total))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, stderr = process.communicate()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        if process.returncode != 0:
            sys.exit(f"ingest-warc failed ({process.returncode}): {stderr[-2000:]}")
        with sqlite3.connect(db) as connection:
            counts = dict(connection.execute("SELECT status, count(*) FROM inputs GROUP BY status").fetchall())
        markers = sorted(out.glob("*.done"))
    records = sum(counts.values())
    at_marks = {}
    for mark in (m for m in MARKS if m <= records):
        reached = [s for s in samples if s[0] >= mark * 0.95]  # the first sample at (about) that many records
        if reached:
            at_marks[str(mark)] = {"main_mb": round(reached[0][1], 1), "all_mb": round(reached[0][2], 1)}
    # From the first thousand records to the last write (the samples after it may catch the process exiting).
    steady = [s for s in samples if min(1000, records // 2) <= s[0] < records]
    return {"records": records, "workers": workers, "seconds": round(seconds, 1),
            "pages_per_s": round(records / seconds, 1), "counts": counts, "markers": len(markers),
            "rss_at_records": at_marks,
            "peak_main_rss_mb": round(max((s[1] for s in samples), default=0.0), 1),
            "peak_all_rss_mb": round(max((s[2] for s in samples), default=0.0), 1),
            "steady_main_rss_range_mb": [round(min(s[1] for s in steady), 1), round(max(s[1] for s in steady), 1)]
            if steady else [], "samples": len(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000, help="records of the small WARC (0: no small run)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    args = parser.parse_args()

    big = build_warc(WORK / f"synthetic-{args.records}.warc.gz", args.records)
    warcs = [big] + ([build_warc(WORK / f"synthetic-{args.small}.warc.gz", args.small)] if args.small else [])
    runs = []
    for warc in warcs:
        for workers in args.workers:
            figures = run(warc, workers)
            figures["warc_mb"] = round(warc.stat().st_size / 1_048_576, 1)
            runs.append(figures)
            marks = ", ".join(f"{k}: {v['main_mb']} / {v['all_mb']} MB" for k, v in figures["rss_at_records"].items())
            print(f"{figures['records']:>6} records ({figures['warc_mb']} MB WARC.gz), {workers} workers: "
                  f"{figures['pages_per_s']} pages/s in {figures['seconds']} s; RSS main / all processes at {marks}; "
                  f"peak {figures['peak_main_rss_mb']} / {figures['peak_all_rss_mb']} MB; {figures['counts']}")
    payload = {"command": " ".join([".venv/bin/python", "bench/warc_stream.py", *sys.argv[1:]]),
               "date": time.strftime("%Y-%m-%d"), "results": runs}
    default_run = (args.records, args.small, args.workers) == (20_000, 2_000, [0, 2])
    write_results_if_default("warc_stream", payload, default_run)


if __name__ == "__main__":
    main()
