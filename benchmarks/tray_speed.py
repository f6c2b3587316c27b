"""Tray app figures: clip-to-decision latency, a 5,000-file burst, idle CPU, RSS, start time.

    xvfb-run -a dbus-run-session -- .venv/bin/python -m benchmarks.tray_speed [--idle 60]

Runs the real ClipboardGuard and FolderWatcher in this process (offscreen unless a
display is set) and the real `presend tray` in a child process for start time, idle CPU
and RSS. Prints a table; timings depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PRESEND_HOME", tempfile.mkdtemp(prefix="presend-bench-"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _text(size: int) -> str:
    line = ("Meeting notes: the vendor will ship the adapter next week; ask Dana about the "
            "invoice. Contact maria.lopez@acme-corp.com. ")
    out = (line * (size // len(line) + 1))[: size - 40]
    return out + " key AKIAZ3MPLQ4RSTUVWX7Y end."


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def clip_latency(sizes: tuple[int, ...], runs: int) -> dict[int, tuple[float, float]]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app.paths import app_paths
    from app.services.runtime import Runtime
    from app.services.secret_store import InMemorySecretStore
    from app.ui.clipboard_guard import ClipboardGuard

    _app = QApplication.instance() or QApplication(["bench"])
    rt = Runtime(app_paths(), InMemorySecretStore())
    cb = QGuiApplication.clipboard()
    guard = ClipboardGuard(cb, rt)
    done: dict[str, float] = {}

    def on_checked(_event: object) -> None:
        done["t"] = time.perf_counter()
        loop.quit()

    guard.checked.connect(on_checked)
    results: dict[int, tuple[float, float]] = {}
    loop = QEventLoop()
    for size in sizes:
        lat: list[float] = []
        n = runs if size < 100_000 else max(5, runs // 10)
        for i in range(n + 2):
            text = _text(size) + f" #{i}"
            start = time.perf_counter()
            cb.setText(text)
            QTimer.singleShot(60_000, loop.quit)
            loop.exec()
            if i >= 2:  # warm-up
                lat.append((done["t"] - start) * 1000)
        results[size] = (statistics.median(lat), _pct(lat, 0.95))
    guard.detach()
    cb.clear()
    return results


def burst(n_files: int) -> tuple[float, int]:
    from app.paths import app_paths
    from app.services.decide import Channel
    from app.services.runtime import Runtime
    from app.services.secret_store import InMemorySecretStore
    from app.services.watcher import FolderWatcher

    rt = Runtime(app_paths(), InMemorySecretStore())
    pipe = rt.pipeline()
    folder = Path(tempfile.mkdtemp(prefix="presend-burst-"))
    seen: list[Path] = []

    def ready(path: Path) -> None:
        pipe.classify_path(path, Channel.FOLDER)
        seen.append(path)

    w = FolderWatcher([folder], ready)
    w.start()
    w.poll()
    start = time.perf_counter()
    for i in range(n_files):
        (folder / f"note-{i:05}.txt").write_text(f"note {i}: call me at +44 20 7946 {i % 10000:04}\n")
    deadline = time.monotonic() + 600
    while len(seen) < n_files and time.monotonic() < deadline:
        w.poll()
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    w.stop()
    return n_files / elapsed, len(seen)


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tray_process(idle_seconds: float) -> dict[str, float]:
    ready = Path(tempfile.mkdtemp()) / "ready"
    env = {**os.environ, "PRESEND_READY_FILE": str(ready)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "app", "tray"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not ready.exists() and proc.poll() is None and time.perf_counter() - start < 60:
            time.sleep(0.01)
        start_s = time.perf_counter() - start
        time.sleep(1.0)
        t0 = _ticks(proc.pid)
        time.sleep(idle_seconds)
        idle_ticks = _ticks(proc.pid) - t0
        hz = os.sysconf("SC_CLK_TCK")
        return {"start_s": start_s, "idle_cpu_pct": 100 * idle_ticks / hz / idle_seconds,
                "idle_rss_mb": _rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def rss_after_clips(n: int) -> float:
    import resource

    clip_latency((1024,), n)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU measurement")
    ap.add_argument("--runs", type=int, default=50, help="clips per size")
    ap.add_argument("--files", type=int, default=5000)
    args = ap.parse_args(argv)
    tray = tray_process(args.idle)
    lat = clip_latency((1024, 10_240, 1_048_576), args.runs)
    fps, got = burst(args.files)
    rss = rss_after_clips(1000)
    print("| measure | value | target |")
    print("|---|---:|---|")
    for size, (p50, p95) in lat.items():
        label = f"{size // 1024} KB" if size < 1_048_576 else "1 MB"
        target = "p95 <= 50 ms" if size == 10_240 else ""
        print(f"| clip-to-decision {label} p50 / p95 | {p50:.1f} / {p95:.1f} ms | {target} |")
    print(f"| {args.files:,}-file burst | {fps:,.0f} files/s ({got:,} classified) | all, once |")
    print(f"| start to tray | {tray['start_s']:.2f} s | |")
    print(f"| idle CPU over {args.idle:g} s | {tray['idle_cpu_pct']:.2f} % | ~0 |")
    print(f"| RSS idle | {tray['idle_rss_mb']:.0f} MB | |")
    print(f"| peak RSS after 1,000 clips (in-process guard) | {rss:.0f} MB | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
