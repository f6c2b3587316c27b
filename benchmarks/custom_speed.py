"""Speed and memory of the organisation's own data: keyword lists, EDM, fingerprints.

Run: .venv/bin/python benchmarks/custom_speed.py [--edm-values N]

- keyword list of 100,000 terms: compile time, scan throughput on 1 MB of text;
- EDM of 1,000,000 values: build time, file size, load time and memory in a fresh process
  (target: <= 2 s and <= 200 MB), lookup throughput on 1 MB of text;
- fingerprints of 200 documents of 2,000 words: register time, scan time of a 10 KB text.
All data is synthetic and generated here.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.custom.edm import EdmIndex  # noqa: E402
from classifiers.custom.fingerprint import FingerprintSet  # noqa: E402
from classifiers.custom.keywords import KeywordMatcher, KeywordRule  # noqa: E402

WORDS = (
    "the of and to in is that for it as with was on be by this are from at or an have not "
    "which but all were when we there can more if will one about so out up into them only "
    "some could time these two may then do first any like now such our over also new most "
    "report customer account order project meeting invoice contract quarter budget review"
).split()


def _prose(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        out.append(sentence.capitalize() + ".")
        size += len(sentence) + 2
    return " ".join(out)


def bench_keywords(rng: random.Random) -> None:
    terms = tuple(
        f"{rng.choice(['Acme', 'Nordic', 'Blue', 'Vertex', 'Orion'])} {i:06d} "
        f"{rng.choice(['GmbH', 'Ltd', 'SA', 'Inc'])}"
        for i in range(100_000)
    )
    t0 = time.perf_counter()
    matcher = KeywordMatcher([KeywordRule("customers", terms)])
    compile_s = time.perf_counter() - t0
    text = _prose(rng, 1_000_000)
    planted = " ".join(rng.sample(terms, 50))
    text = text[:500_000] + " " + planted + " " + text[500_000:]
    t0 = time.perf_counter()
    hits = sum(1 for _ in matcher.find(text))
    scan_s = time.perf_counter() - t0
    print(f"keywords: 100,000 terms compiled in {compile_s:.2f} s; 1 MB scanned in "
          f"{scan_s:.2f} s ({len(text) / scan_s / 1e6:.2f} MB/s), {hits} hits (50 planted)")


_LOADER = """
import sys, time, tracemalloc
sys.path.insert(0, sys.argv[2])
def rss():
    try:
        for line in open('/proc/self/status'):
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
from classifiers.custom.edm import EdmIndex
from pathlib import Path
before = rss()
tracemalloc.start()
t0 = time.perf_counter()
index = EdmIndex.load(Path(sys.argv[1]))
elapsed = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
print(f"{elapsed:.3f} {peak} {rss() - before} {len(index)}")
"""


def bench_edm(rng: random.Random, count: int) -> None:
    rows = (
        [f"CUST-{i:08d}", f"user{i}.{rng.randint(0, 999)}@example.com"]
        for i in range(count // 2)
    )
    t0 = time.perf_counter()
    index, _ = EdmIndex.build(rows, ["customer_id", "email"])
    build_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.edm"
        index.save(path)
        size = path.stat().st_size
        result = subprocess.run(
            [sys.executable, "-c", _LOADER, str(path), str(ROOT)],
            check=True, capture_output=True, text=True,
        ).stdout.split()
    load_s = float(result[0])
    peak, rss_delta, loaded = int(result[1]), int(result[2]), int(result[3])
    text = _prose(rng, 1_000_000)
    text = text[:400_000] + " cust 00001234 and CUST-00077777 " + text[400_000:]
    t0 = time.perf_counter()
    hits = sum(1 for _ in index.find(text))
    scan_s = time.perf_counter() - t0
    print(f"edm: {loaded:,} hashed values built in {build_s:.1f} s, file {size / 1e6:.1f} MB; "
          f"load {load_s:.3f} s in a fresh process, +{rss_delta / 1e6:.1f} MB RSS "
          f"(Python peak {peak / 1e6:.1f} MB) [targets <= 2 s, <= 200 MB]")
    print(f"edm: 1 MB scanned in {scan_s:.2f} s ({len(text) / scan_s / 1e6:.2f} MB/s), "
          f"{hits} hits (2 planted)")


def bench_fingerprints(rng: random.Random) -> None:
    docs = [_prose(rng, 12_000) for _ in range(200)]
    t0 = time.perf_counter()
    fps = FingerprintSet.empty().with_documents([(f"doc-{i}", d) for i, d in enumerate(docs)])
    reg_s = time.perf_counter() - t0
    sentences = docs[17].split(". ")
    text = _prose(rng, 5_000) + " " + ". ".join(sentences[10:14]) + ". " + _prose(rng, 5_000)
    t0 = time.perf_counter()
    matches = list(fps.find(text))
    scan_s = time.perf_counter() - t0
    print(f"fingerprints: 200 documents ({sum(d.word_count for d in fps.documents):,} words) "
          f"registered in {reg_s:.1f} s; 10 KB scanned in {scan_s * 1000:.0f} ms, "
          f"matched {sorted({m.document for m in matches})}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edm-values", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(8)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    bench_keywords(rng)
    bench_edm(rng, args.edm_values)
    bench_fingerprints(rng)


if __name__ == "__main__":
    main()
