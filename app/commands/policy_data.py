"""`presend policy edm ...` and `presend policy fingerprint ...`: the organisation's data.

Admin side. ``edm build FILE.csv --columns a,b -o OUT`` writes an exact-data-match index
of salted hashes (no raw value is written); ``fingerprint add FILE... -o OUT`` registers
documents as hashed shingles (adds to OUT when it exists). ``edm info`` and
``fingerprint list`` show what a file holds (counts and names only). The policy then names
these files under a rule id (see docs/admin-custom-data.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.commands.context import CliContext, CliError
from classifiers.custom.edm import EdmError, EdmIndex
from classifiers.custom.fingerprint import FingerprintError, FingerprintSet


def add_subcommands(policy_sub: Any, common: argparse.ArgumentParser) -> None:
    edm = policy_sub.add_parser(
        "edm", parents=[common], help="exact data match: hashed lists of sensitive values"
    )
    edm_sub = edm.add_subparsers(dest="edm_command", metavar="SUBCOMMAND")
    edm.set_defaults(handler=lambda args, ctx: _usage(edm, ctx))
    build = edm_sub.add_parser(
        "build", parents=[common],
        help="hash the values of CSV columns into an EDM file (no raw value is written)",
    )
    build.add_argument("csv", metavar="FILE.csv", type=Path)
    build.add_argument("--columns", required=True,
                       help="comma-separated header names of the columns to hash")
    build.add_argument("-o", "--output", required=True, type=Path, metavar="OUT")
    build.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    build.set_defaults(handler=run_edm_build)
    info = edm_sub.add_parser("info", parents=[common], help="columns and count of an EDM file")
    info.add_argument("file", metavar="FILE", type=Path)
    info.set_defaults(handler=run_edm_info)

    fp = policy_sub.add_parser(
        "fingerprint", parents=[common],
        help="document fingerprints: recognise parts of confidential documents",
    )
    fp_sub = fp.add_subparsers(dest="fingerprint_command", metavar="SUBCOMMAND")
    fp.set_defaults(handler=lambda args, ctx: _usage(fp, ctx))
    add = fp_sub.add_parser(
        "add", parents=[common],
        help="register documents as hashed shingles in OUT (created or added to)",
    )
    add.add_argument("files", metavar="FILE", nargs="+", type=Path)
    add.add_argument("-o", "--output", required=True, type=Path, metavar="OUT")
    add.add_argument("--name", help="name to register (one FILE only; default: the file name)")
    add.set_defaults(handler=run_fingerprint_add)
    lst = fp_sub.add_parser("list", parents=[common], help="documents registered in a file")
    lst.add_argument("file", metavar="FILE", type=Path)
    lst.set_defaults(handler=run_fingerprint_list)


def _usage(parser: argparse.ArgumentParser, ctx: CliContext) -> int:
    parser.print_help(ctx.err)
    return 2


def run_edm_build(args: argparse.Namespace, ctx: CliContext) -> int:
    columns = [c.strip() for c in str(args.columns).split(",") if c.strip()]
    if not columns:
        raise CliError(
            "--columns is empty; name the CSV header columns to hash, e.g. --columns id,email"
        )
    out: Path = args.output
    if out.exists() and not args.force:
        raise CliError(f"{out.name} exists; choose another -o path or add --force")
    try:
        index, rows, skipped = EdmIndex.build_from_csv(args.csv, columns)
    except EdmError as exc:
        raise CliError(str(exc)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CliError(
            f"cannot read {args.csv.name} as UTF-8 CSV ({type(exc).__name__}); save it as "
            "UTF-8 CSV and try again"
        ) from None
    _write(out, index.to_bytes())
    if not ctx.quiet:
        print(
            f"{out}: {_count(len(index), 'hashed value')} from {_count(rows, 'row')}, columns "
            f"{', '.join(index.columns)}; {_count(skipped, 'value')} skipped (shorter than 4 "
            "letters or digits)",
            file=ctx.out,
        )
    return 0


def run_edm_info(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        index = EdmIndex.load(args.file)
    except EdmError as exc:
        raise CliError(str(exc)) from None
    print(
        f"{args.file.name}: {_count(len(index), 'hashed value')}; columns "
        f"{', '.join(index.columns)}; "
        f"longest value {index.max_tokens} tokens",
        file=ctx.out,
    )
    return 0


def run_fingerprint_add(args: argparse.Namespace, ctx: CliContext) -> int:
    files: list[Path] = list(args.files)
    if args.name and len(files) != 1:
        raise CliError("--name works with one FILE only; register the files one at a time")
    out: Path = args.output
    try:
        fps = FingerprintSet.load(out) if out.exists() else FingerprintSet.empty()
    except FingerprintError as exc:
        raise CliError(str(exc)) from None
    items: list[tuple[str, str]] = []
    for path in files:
        text = _document_text(path)
        name = args.name or path.name
        words = len(text.split())
        if words < 20:
            raise CliError(
                f"{path.name} has only {words} words of text; register documents of at least "
                "20 words (scanned PDFs need a text layer)"
            )
        items.append((name, text))
        if not ctx.quiet:
            print(f"registered {name} ({words:,} words)", file=ctx.out)
    fps = fps.with_documents(items)
    _write(out, fps.to_bytes())
    if not ctx.quiet:
        print(f"{out}: {_count(len(fps.documents), 'document')}", file=ctx.out)
    return 0


def run_fingerprint_list(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        fps = FingerprintSet.load(args.file)
    except FingerprintError as exc:
        raise CliError(str(exc)) from None
    for doc in fps.documents:
        print(f"{doc.name}: {doc.word_count:,} words, {len(doc.sentence_starts):,} sentences",
              file=ctx.out)
    return 0


def _document_text(path: Path) -> str:
    """The text of a document to register: extracted when an extractor exists."""
    if not path.is_file():
        raise CliError(f"{path.name} is not a readable file; check the path")
    try:
        from classifiers.extract import extract_path
    except ImportError:
        extract_path = None  # type: ignore[assignment]
    if extract_path is not None:
        try:
            extracted = extract_path(path)
        except Exception as exc:  # extraction errors carry no content; name the type only
            raise CliError(
                f"cannot read text from {path.name} ({type(exc).__name__}); register a text, "
                "DOCX or PDF file with a text layer"
            ) from None
        return "".join(extracted.pieces)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(
            f"cannot read {path.name} as UTF-8 text ({type(exc).__name__}); convert it to text"
        ) from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _write(out: Path, data: bytes) -> None:
    try:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        raise CliError(
            f"cannot write {out.name} ({type(exc).__name__}); check the folder exists and is "
            "writable"
        ) from None
