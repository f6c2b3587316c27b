"""Extraction speed per format on a generated set, and peak RSS on a hostile set.

    .venv/bin/python -m benchmarks.extract_speed [--quick] [--json OUT]

Speed: each format's file is generated in a temporary folder (synthetic text with a few
secrets), extracted ``--repeat`` times in this process, and reported as input MB/s and
extracted characters per second (best of the runs). PDF is measured both sandboxed (the
default: one child process per file) and in-process.

Hostile set: each file is extracted in a fresh child process; its peak RSS comes from
``wait4`` and its wall time is measured around it, with the note presend gave.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
import zlib
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from classifiers.extract import Limits, extract_path  # noqa: E402
from tests.classifiers.extract.pdf_fixtures import build_pdf, cyclic_pdf, text_stream  # noqa: E402

WORDS = ("the invoice for march was approved by finance and sent to the customer with "
         "reference number and due date please contact support if the amount is wrong").split()
SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def _lines(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        if i % 997 == 0:
            line += f" token={SECRET}"
        out.append(line)
    return out


def generate(folder: Path, scale: int) -> dict[str, Path]:
    import docx
    import openpyxl
    import pptx

    rng = random.Random(7)
    files: dict[str, Path] = {}
    lines = _lines(rng, 20_000 * scale)
    text = "\n".join(lines) + "\n"

    p = folder / "plain.txt"
    p.write_text(text, encoding="utf-8")
    files["txt (utf-8)"] = p
    p = folder / "utf16.txt"
    p.write_bytes(text[: len(text) // 4].encode("utf-16"))
    files["txt (utf-16)"] = p
    p = folder / "page.html"
    p.write_text("<html><body>" + "".join(f"<p>{ln}</p><!-- c -->\n" for ln in lines[:5000 * scale])
                 + "</body></html>", encoding="utf-8")
    files["html"] = p

    d = docx.Document()
    for ln in lines[: 4000 * scale]:
        d.add_paragraph(ln)
    p = folder / "doc.docx"
    d.save(p)
    files["docx"] = p

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    for r in range(10_000 * scale):
        ws.append([r, rng.choice(WORDS), 4111111111111111 if r % 500 == 0 else r * 3.5,
                   " ".join(rng.choice(WORDS) for _ in range(5)), "2024-01-01"])
    p = folder / "book.xlsx"
    wb.save(p)
    files["xlsx"] = p

    pres = pptx.Presentation()
    for s in range(200 * scale):
        slide = pres.slides.add_slide(pres.slide_layouts[1])
        slide.shapes.title.text = lines[s]
        slide.placeholders[1].text = "\n".join(lines[s : s + 8])
        slide.notes_slide.notes_text_frame.text = lines[s + 9]
    p = folder / "deck.pptx"
    pres.save(p)
    files["pptx"] = p

    pages = [text_stream(lines[i : i + 45]) for i in range(0, 45 * 60 * scale, 45)]
    p = folder / "doc.pdf"
    p.write_bytes(build_pdf(pages, info={"Title": "bench"}))
    files["pdf (sandboxed)"] = p
    files["pdf (in-process)"] = p

    msg = EmailMessage()
    msg["Subject"] = "bench"
    msg.set_content(text[: len(text) // 8])
    msg.add_attachment((folder / "doc.docx").read_bytes(), maintype="application",
                       subtype="octet-stream", filename="doc.docx")
    p = folder / "mail.eml"
    p.write_bytes(msg.as_bytes())
    files["eml"] = p

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(50):
            zf.writestr(f"src/mod{i}.py", "\n".join(lines[i * 200 : (i + 1) * 200]))
        zf.write(folder / "doc.docx", "docs/doc.docx")
    p = folder / "bundle.zip"
    p.write_bytes(buf.getvalue())
    files["zip"] = p

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        body = text.encode()
        info = tarfile.TarInfo("logs/app.log")
        info.size = len(body)
        tf.addfile(info, io.BytesIO(body))
    p = folder / "logs.tar.gz"
    p.write_bytes(buf.getvalue())
    files["tar.gz"] = p
    return files


def measure(files: dict[str, Path], repeat: int) -> list[dict]:
    rows = []
    for label, path in files.items():
        limits = Limits(sandbox=False) if "in-process" in label else Limits()
        best = float("inf")
        chars = 0
        complete = True
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = extract_path(path, limits)
            chars = sum(len(p) for p in result.pieces)
            best = min(best, time.perf_counter() - t0)
            complete = result.complete
        size = path.stat().st_size
        rows.append({"format": label, "file_mb": round(size / 1e6, 2),
                     "mb_per_s": round(size / 1e6 / best, 1),
                     "mchars_per_s": round(chars / 1e6 / best, 2),
                     "seconds": round(best, 3), "complete": complete})
    return rows


def hostile(folder: Path) -> dict[str, Path]:
    from tests.classifiers.extract.test_hostile import LAUGHS, _replace_document, _xlsx_with_cells

    files: dict[str, Path] = {}

    def put(name: str, data: bytes, label: str) -> None:
        p = folder / name
        p.write_bytes(data)
        files[label] = p

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(2**20)
    gz = b"".join(comp.compress(zero) for _ in range(1024)) + comp.flush()
    put("bomb.txt.gz", gz, "gzip bomb (1 GiB of zeros)")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(16):
            zf.writestr(f"z{i}.txt", bytes(64 * 2**20))
    put("bomb.zip", buf.getvalue(), "zip bomb (16 x 64 MiB)")
    inner = buf.getvalue()
    for level in range(5):
        b2 = io.BytesIO()
        with zipfile.ZipFile(b2, "w", zipfile.ZIP_DEFLATED) as zf:
            for i in range(4):
                zf.writestr(f"l{level}_{i}.zip", inner)
        inner = b2.getvalue()
    put("nested.zip", inner, "nested zip bomb (5 levels x 4)")
    put("laughs.docx", _replace_document(LAUGHS), "billion laughs docx")
    put("million.xlsx", _xlsx_with_cells(20_000, 50), "xlsx with a million cells")
    put("cyclic.pdf", cyclic_pdf(), "pdf cyclic page tree")
    pdf = build_pdf([text_stream(["x"] * 40)] * 50)
    put("cut.pdf", pdf[: len(pdf) // 2], "truncated pdf")
    put("noise.txt", os.urandom(4 * 2**20).hex().encode(), "8 MB hex noise text")
    return files


# Peak RSS is read by the child itself from /proc (VmHWM belongs to the process image
# and restarts at exec; ru_maxrss would carry the forking parent's peak over), plus the
# peak of its own children (the PDF sandbox).
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from classifiers.extract import extract_path
t = time.perf_counter()
r = extract_path(sys.argv[2])
n = sum(len(p) for p in r.pieces)
from classifiers.extract import sandbox
sandbox.shutdown()  # reap the warm PDF worker so its peak shows in RUSAGE_CHILDREN
hwm = 0
with open("/proc/self/status") as fh:
    for line in fh:
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"s": time.perf_counter() - t, "complete": r.complete, "notes": r.notes[:2],
                  "chars": n, "rss_kb": hwm, "child_rss_kb": kids}))
"""


def measure_hostile(files: dict[str, Path]) -> list[dict]:
    rows = []
    for label, path in files.items():
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(REPO), str(path)],
                              capture_output=True, check=False)
        wall = time.perf_counter() - t0
        info = json.loads(proc.stdout or b"{}")
        rss = info.get("rss_kb", 0) / 1024
        sandbox = info.get("child_rss_kb", 0) / 1024
        rows.append({"file": label, "file_mb": round(path.stat().st_size / 1e6, 2),
                     "wall_s": round(wall, 2), "peak_rss_mb": round(rss, 1),
                     "sandbox_rss_mb": round(sandbox, 1),
                     "complete": info.get("complete"), "note": "; ".join(info.get("notes", []))})
    return rows


def _table(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller files, one run each")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="presend-extract-bench-") as tmp:
        folder = Path(tmp)
        files = generate(folder, 1)
        speed = measure(files, 1 if args.quick else args.repeat)
        print("## Extraction speed (best of runs, input MB/s)\n")
        print(_table(speed))
        hostile_rows = measure_hostile(hostile(folder))
        print("\n## Hostile set (each file in a fresh process)\n")
        print(_table(hostile_rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"speed": speed, "hostile": hostile_rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
