"""The speed benchmark's harness: sample texts, percentiles and the targets table."""

from __future__ import annotations

from benchmarks.corpus import generate_corpus
from benchmarks.samples import sized_texts, sparse_text
from benchmarks.speed import _percentile, table


def test_sized_texts_are_cut_from_the_corpus_near_the_requested_size():
    docs = generate_corpus(3, 80)
    texts = sized_texts(docs, 1024, 30)
    assert len(texts) == 30
    assert all(800 <= len(t) <= 1024 for t in texts)
    assert texts[0] in "\n\n".join(d.text for d in docs)


def test_sparse_text_has_the_requested_size_and_mostly_clean_documents():
    text = sparse_text(300_000)
    assert len(text) == 300_000
    assert text.count("-----BEGIN ") < 60  # one sensitive document in ten, not a key wall


def test_percentile_picks_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert _percentile(values, 50) in (50.0, 51.0)
    assert _percentile(values, 95) in (95.0, 96.0)
    assert _percentile([3.0], 95) == 3.0


def test_table_marks_targets_met_and_missed_and_says_what_was_extrapolated():
    results = {
        "presend-fast": {"mb_per_s": 25.0, "p95_1kb_ms": 1.0, "throughput_mb": 20.0,
                         "extrapolated": False, "complete": True},
        "presend": {"p95_1kb_ms": 12.0, "p95_10kb_ms": 30.0, "mb_per_s": 1.5,
                    "cold_start_s": 0.9, "peak_rss_mb": 180.0, "throughput_mb": 20.0,
                    "extrapolated": False, "complete": True},
        "presidio": {"p95_1kb_ms": 50.0, "mb_per_s": 0.03, "throughput_mb": 0.2,
                     "extrapolated": True, "complete": True},
    }
    out = table(results)
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("  presend")}
    assert "MISS" in lines["p95_1kb_ms"] and "ok" in lines["p95_10kb_ms"]
    assert "ok" in lines["cold_start_s"] and "ok" in lines["peak_rss_mb"]
    assert "presidio: throughput measured on 0.20 MB and extrapolated" in out
    assert out.splitlines()[0].split()[1:4] == ["presend-fast", "presend", "presidio"]
