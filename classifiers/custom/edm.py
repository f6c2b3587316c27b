"""Exact data match (EDM): find an organisation's sensitive values from salted hashes only.

The admin builds an index from CSV columns (``presend policy edm build``). Every value is
normalised, salted and hashed with SHA-256; the index keeps only the first 8 bytes of each
digest (a sorted array: 1,000,000 values take 9 MB) and never a raw value. Scanning
tokenises the text the same way, hashes every candidate (single tokens, n-grams up to the
longest value's token count, e-mail addresses) and looks the digests up.

Normalisation (the same on both sides):
- e-mail addresses: trimmed and lower-cased;
- other values: accents and case folded, split into runs of letters and digits; values with
  a digit (ids, phone and account numbers) join their runs with nothing (``AB-12 34`` ==
  ``ab1234``), values without one (names) with one space (``Doe,  JANE`` != ``jane doe``,
  ``JANE  Doe`` == ``jane doe``).
Values shorter than ``MIN_VALUE_CHARS`` after normalisation are skipped (too common to be
evidence); the build reports how many.

Phone numbers: in columns whose header names a phone (``phone``, ``tel``, ``mobile``,
``fax``, ``Telefon``, ``teléfono``, ``portable``, ``celular``...), a value of 9 to 15 digits
is also indexed by its last 9 digits (tagged as a phone), so ``+33 6 12 34 56 78`` is
found as ``06 12 34 56 78`` and ``+1 (555) 201-7788`` as ``555-201-7788``.

A salted hash stops reading values off the list, not guessing: whoever holds the index can
test candidate values. Ship it inside the signed policy, like the rest of the policy.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import json
import os
import re
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers.custom.folding import fold_char

MAGIC = b"PRESEND-EDM\x01\n"
DIGEST_BYTES = 8
MIN_VALUE_CHARS = 4
MAX_TOKENS = 8

PHONE_TAG = "tel:"
_PHONE_COLUMN = re.compile(
    r"(?i)phone|\btel|mobile|\bcell|\bfax|handy|telefon|tel[eé]fono|portable|celular|m[oó]vil"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class EdmError(ValueError):
    """An EDM file or CSV that cannot be used (the message says what to do)."""


def _fold(value: str) -> str:
    return "".join(fold_char(c) for c in value)


def _tokens(value: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    for ch in _fold(value):
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def _join(tokens: Sequence[str]) -> str:
    if not all(t.isalpha() for t in tokens):
        return "".join(tokens)
    return " ".join(tokens)


def normalise_value(value: str) -> tuple[str, int] | None:
    """The normalised form of a CSV value and its token count, or None when too short."""
    value = value.strip()
    if not value:
        return None
    if _EMAIL.fullmatch(value):
        return value.lower(), 1
    tokens = _tokens(value)
    if not tokens:
        return None
    norm = _join(tokens)
    if len(norm.replace(" ", "")) < MIN_VALUE_CHARS:
        return None
    return norm, len(tokens)


def _digest(salt: bytes, norm: str) -> int:
    h = hashlib.sha256(salt + norm.encode("utf-8")).digest()
    return int.from_bytes(h[:DIGEST_BYTES], "big")


@dataclass(frozen=True, slots=True)
class EdmMatch:
    start: int
    end: int
    column: str


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class EdmIndex:
    """Sorted truncated digests of normalised values, their column, and the salt."""

    salt: bytes
    columns: tuple[str, ...]
    max_tokens: int
    digests: array = field(repr=False)  # array('Q'), sorted
    column_of: array = field(repr=False)  # array('B'), parallel to digests
    phone_suffixes: bool = False  # phone values are also indexed by their last 9 digits
    # lengths of the normalised values with and without digits: candidates of other lengths
    # are not hashed at all (a cheap filter; it tells only which lengths occur)
    digit_lengths: frozenset[int] = frozenset()
    word_lengths: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.digests)

    # ----- building -----------------------------------------------------------------
    @classmethod
    def build(
        cls,
        rows: Iterable[Sequence[str]],
        columns: Sequence[str],
        salt: bytes | None = None,
    ) -> tuple[EdmIndex, int]:
        """An index of every value in ``rows`` (one sequence per row, in ``columns`` order).

        Returns the index and the number of values skipped as too short.
        """
        if not columns or len(columns) > 255:
            raise EdmError("give between 1 and 255 columns")
        salt = salt if salt is not None else os.urandom(16)
        pairs: dict[int, int] = {}
        max_tokens = 1
        skipped = 0
        phones = [bool(_PHONE_COLUMN.search(c)) for c in columns]
        digit_lengths: set[int] = set()
        word_lengths: set[int] = set()
        for row in rows:
            for col_index, raw in enumerate(row[: len(columns)]):
                norm = normalise_value(raw)
                if norm is None:
                    if raw.strip():
                        skipped += 1
                    continue
                text, count = norm
                max_tokens = max(max_tokens, min(count, MAX_TOKENS))
                pairs.setdefault(_digest(salt, text), col_index)
                if "@" not in text:
                    if any(c.isdigit() for c in text):
                        digit_lengths.add(len(text))
                    else:
                        word_lengths.add(len(text))
                if phones[col_index] and text.isdigit() and 9 <= len(text) <= 15:
                    pairs.setdefault(_digest(salt, PHONE_TAG + text[-9:]), col_index)
        keys = sorted(pairs)
        digests = array("Q", keys)
        column_of = array("B", (pairs[k] for k in keys))
        index = cls(salt, tuple(columns), max_tokens, digests, column_of, any(phones),
                    frozenset(digit_lengths), frozenset(word_lengths))
        return index, skipped

    @classmethod
    def build_from_csv(
        cls, path: Path, columns: Sequence[str], salt: bytes | None = None
    ) -> tuple[EdmIndex, int, int]:
        """Build from the named columns of a CSV file with a header row.

        Returns the index, the number of rows read and the number of values skipped.
        """
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise EdmError(
                f"cannot read {path.name} ({type(exc).__name__}); check the path"
            ) from None
        with handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise EdmError(f"{path.name} is empty; give a CSV file with a header row")
            names = [h.strip() for h in header]
            lowered = [n.lower() for n in names]
            positions: list[int] = []
            for col in columns:
                if col.strip().lower() not in lowered:
                    raise EdmError(
                        f"column {col!r} is not in {path.name}; its columns are: "
                        + ", ".join(names)
                    )
                positions.append(lowered.index(col.strip().lower()))
            counter = [0]

            def rows() -> Iterator[list[str]]:
                for row in reader:
                    counter[0] += 1
                    yield [row[p] if p < len(row) else "" for p in positions]

            index, skipped = cls.build(rows(), [names[p] for p in positions], salt)
        return index, counter[0], skipped

    # ----- file format --------------------------------------------------------------
    def to_bytes(self) -> bytes:
        header = json.dumps(
            {
                "salt": self.salt.hex(),
                "columns": list(self.columns),
                "max_tokens": self.max_tokens,
                "count": len(self.digests),
                "digest_bytes": DIGEST_BYTES,
                "phone_suffixes": self.phone_suffixes,
                "digit_lengths": sorted(self.digit_lengths),
                "word_lengths": sorted(self.word_lengths),
            }
        ).encode("utf-8")
        digests = array("Q", self.digests)
        if sys.byteorder != "little":
            digests.byteswap()
        return b"".join(
            [MAGIC, len(header).to_bytes(4, "big"), header, digests.tobytes(),
             self.column_of.tobytes()]
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> EdmIndex:
        if not data.startswith(MAGIC):
            raise EdmError("not a presend EDM file; build one with `presend policy edm build`")
        try:
            pos = len(MAGIC)
            size = int.from_bytes(data[pos : pos + 4], "big")
            header = json.loads(data[pos + 4 : pos + 4 + size])
            pos += 4 + size
            count = int(header["count"])
            if int(header["digest_bytes"]) != DIGEST_BYTES:
                raise ValueError("digest size")
            digests = array("Q")
            digests.frombytes(data[pos : pos + 8 * count])
            if sys.byteorder != "little":
                digests.byteswap()
            column_of = array("B")
            column_of.frombytes(data[pos + 8 * count : pos + 9 * count])
            if len(digests) != count or len(column_of) != count:
                raise ValueError("truncated")
            return cls(
                bytes.fromhex(header["salt"]),
                tuple(str(c) for c in header["columns"]),
                int(header["max_tokens"]),
                digests,
                column_of,
                bool(header.get("phone_suffixes", False)),
                frozenset(int(n) for n in header.get("digit_lengths", range(1, 4096))),
                frozenset(int(n) for n in header.get("word_lengths", range(1, 4096))),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EdmError(
                f"EDM file is damaged ({type(exc).__name__}); build it again"
            ) from None

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> EdmIndex:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise EdmError(
                f"cannot read {path.name} ({type(exc).__name__}); check the path"
            ) from None
        return cls.from_bytes(data)

    # ----- matching -----------------------------------------------------------------
    def _lookup(self, digest: int) -> int | None:
        i = bisect.bisect_left(self.digests, digest)
        if i < len(self.digests) and self.digests[i] == digest:
            return self.column_of[i]
        return None

    def _hash_lookup(self, salted: Any, norm: str) -> int | None:
        h = salted.copy()
        h.update(norm.encode("utf-8"))
        return self._lookup(int.from_bytes(h.digest()[:DIGEST_BYTES], "big"))

    def contains(self, value: str) -> bool:
        norm = normalise_value(value)
        return norm is not None and self._lookup(_digest(self.salt, norm[0])) is not None

    def find(self, text: str) -> Iterator[EdmMatch]:
        """Every listed value in ``text``; longer matches win where they overlap."""
        if not self.digests:
            return
        found: list[tuple[int, int, int]] = []
        for m in _EMAIL.finditer(text):
            col = self._lookup(_digest(self.salt, m.group().lower()))
            if col is not None:
                found.append((m.start(), m.end(), col))
        # tokens: (start, end, folded, has a digit, joinable to the previous token)
        spans: list[tuple[int, int, str, bool, bool]] = []
        prev_end = -10
        for m in _WORD.finditer(text):
            token = m.group()
            folded = token.lower() if token.isascii() else _fold(token)
            start = m.start()
            joinable = start - prev_end <= 3 and "\n" not in text[prev_end:start]
            spans.append((start, m.end(), folded, not folded.isalpha(), joinable))
            prev_end = m.end()
        n = len(spans)
        salted = hashlib.sha256(self.salt)
        digit_lengths, word_lengths = self.digit_lengths, self.word_lengths
        longest = max([*digit_lengths, *word_lengths, 15 if self.phone_suffixes else 0])
        for i in range(n):
            size = 0
            digits = False
            for k in range(i, min(n, i + self.max_tokens)):
                token_start, token_end, token, has_digit, joinable = spans[k]
                if k > i and not joinable:
                    break
                size += len(token)
                digits = digits or has_digit
                if size > longest:
                    break
                if size < MIN_VALUE_CHARS:
                    continue
                col = None
                if digits:
                    if size in digit_lengths:
                        col = self._hash_lookup(salted, "".join(t[2] for t in spans[i : k + 1]))
                    if col is None and self.phone_suffixes and 9 <= size <= 15:
                        joined = "".join(t[2] for t in spans[i : k + 1])
                        if joined.isdigit():
                            col = self._hash_lookup(salted, PHONE_TAG + joined[-9:])
                elif size + (k - i) in word_lengths:
                    col = self._hash_lookup(salted, " ".join(t[2] for t in spans[i : k + 1]))
                if col is not None:
                    found.append((spans[i][0], token_end, col))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        last_end = -1
        for start, end, col in found:
            if start >= last_end:
                yield EdmMatch(start, end, self.columns[col] if col < len(self.columns) else "")
                last_end = end


_WORD = re.compile(r"[^\W_]+")
