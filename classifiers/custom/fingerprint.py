"""Document fingerprints: recognise a substantial part of a registered document.

Registering a document keeps only hashes: the text is folded (case, accents), split into
words (runs of letters and digits) and every run of ``SHINGLE_WORDS`` consecutive words is
hashed (salted SHA-256, first 8 bytes). Sentence starts are kept as word positions so a
match can be measured in sentences. Line wraps, case, punctuation and spacing do not change
the words, so a reformatted copy matches the same shingles.

A scanned text matches a document when either
- a run of consecutive shingles of the text follows the document in order (small edits
  allowed: a gap of up to ``MAX_GAP`` shingles) and covers at least ``min_sentences``
  whole sentences of the document and ``min_run_words`` words; or
- it contains at least ``min_share`` of the document's distinct shingles (and at least
  ``min_shared_shingles`` of them, so a tiny document does not match on one phrase).
The finding's span runs from the first to the last matching word in the scanned text.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classifiers.custom.folding import fold_char

MAGIC = b"PRESEND-FP\x01\n"
SHINGLE_WORDS = 5
MAX_GAP = 3

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?;:]+(?=\s|$)|\n\s*\n|\n\s*(?:[-*\u2022]|\d+[.)])\s")


class FingerprintError(ValueError):
    """A fingerprint file that cannot be used (the message says what to do)."""


def _fold_word(word: str) -> str:
    return word.lower() if word.isascii() else "".join(fold_char(c) for c in word)


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _fold_word(m.group())) for m in _WORD.finditer(text)]


def _shingles(salt: bytes, words: Sequence[str]) -> list[int]:
    salted = hashlib.sha256(salt)
    out = []
    for i in range(len(words) - SHINGLE_WORDS + 1):
        h = salted.copy()
        h.update(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"))
        out.append(int.from_bytes(h.digest()[:8], "big"))
    return out


def _sentence_starts(text: str, words: Sequence[tuple[int, int, str]]) -> list[int]:
    """Word indexes at which a sentence starts (always 0 first)."""
    word_starts = [w[0] for w in words]
    starts = {0}
    for m in _SENTENCE_END.finditer(text):
        i = bisect.bisect_left(word_starts, m.end())
        if i < len(words):
            starts.add(i)
    return sorted(starts)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class RegisteredDocument:
    name: str
    shingles: array = field(repr=False)  # array('Q'): shingle hash at each word position
    sentence_starts: tuple[int, ...] = field(repr=False)
    word_count: int = 0


@dataclass(frozen=True, slots=True)
class FingerprintMatch:
    document: str
    start: int
    end: int
    sentences: int
    share: float


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class FingerprintSet:
    """Registered documents and the thresholds a scanned text must reach."""

    salt: bytes
    documents: tuple[RegisteredDocument, ...] = ()
    min_sentences: int = 3
    min_run_words: int = 20
    min_share: float = 0.3
    min_shared_shingles: int = 15
    _index: dict[int, tuple[int, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _distinct: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self._index
        for d, doc in enumerate(self.documents):
            for pos, h in enumerate(doc.shingles):
                index.setdefault(h, (d, pos))
            self._distinct.append(len(set(doc.shingles)))

    @classmethod
    def empty(cls, salt: bytes | None = None) -> FingerprintSet:
        return cls(salt if salt is not None else os.urandom(16))

    def with_document(self, name: str, text: str) -> FingerprintSet:
        """A new set with ``text`` registered as ``name`` (replacing a same-named one)."""
        return self.with_documents([(name, text)])

    def with_documents(self, items: Sequence[tuple[str, str]]) -> FingerprintSet:
        """A new set with each ``(name, text)`` registered (same names are replaced)."""
        new: dict[str, RegisteredDocument] = {}
        for name, text in items:
            words = _words(text)
            tokens = [w[2] for w in words]
            new[name] = RegisteredDocument(
                name=name,
                shingles=array("Q", _shingles(self.salt, tokens)),
                sentence_starts=tuple(_sentence_starts(text, words)),
                word_count=len(tokens),
            )
        kept = tuple(d for d in self.documents if d.name not in new)
        return FingerprintSet(
            self.salt, kept + tuple(new.values()), self.min_sentences, self.min_run_words,
            self.min_share, self.min_shared_shingles,
        )

    # ----- matching -----------------------------------------------------------------
    def find(self, text: str) -> Iterator[FingerprintMatch]:
        if not self._index:
            return
        words = _words(text)
        hashes = _shingles(self.salt, [w[2] for w in words])
        hits = [self._index.get(h) for h in hashes]
        yield from self._runs(words, hits)
        yield from self._shares(words, hashes, hits)

    def _runs(
        self, words: list[tuple[int, int, str]], hits: list[tuple[int, int] | None]
    ) -> Iterator[FingerprintMatch]:
        i = 0
        n = len(hits)
        while i < n:
            hit = hits[i]
            if hit is None:
                i += 1
                continue
            doc_i, first_pos = hit
            last_i, last_pos = i, first_pos
            j = i + 1
            while j < n and j - last_i <= MAX_GAP + 1:
                h = hits[j]
                if h is not None and h[0] == doc_i and 0 < h[1] - last_pos <= MAX_GAP + 1 + (
                    j - last_i
                ):
                    last_i, last_pos = j, h[1]
                j += 1
            doc = self.documents[doc_i]
            covered_words = last_pos + SHINGLE_WORDS - first_pos
            sentences = _whole_sentences(doc, first_pos, last_pos + SHINGLE_WORDS)
            if sentences >= self.min_sentences and covered_words >= self.min_run_words:
                yield FingerprintMatch(
                    doc.name, words[i][0], words[last_i + SHINGLE_WORDS - 1][1], sentences,
                    _share(doc, first_pos, last_pos),
                )
            i = last_i + 1

    def _shares(
        self,
        words: list[tuple[int, int, str]],
        hashes: list[int],
        hits: list[tuple[int, int] | None],
    ) -> Iterator[FingerprintMatch]:
        per_doc: dict[int, set[int]] = {}
        span: dict[int, tuple[int, int]] = {}
        for t, hit in enumerate(hits):
            if hit is None:
                continue
            per_doc.setdefault(hit[0], set()).add(hashes[t])
            first, _ = span.get(hit[0], (t, t))
            span[hit[0]] = (first, t)
        for d, shared in per_doc.items():
            doc = self.documents[d]
            total = self._distinct[d]
            if not total or len(shared) < self.min_shared_shingles:
                continue
            share = len(shared) / total
            if share >= self.min_share:
                first, last = span[d]
                yield FingerprintMatch(
                    doc.name, words[first][0], words[last + SHINGLE_WORDS - 1][1], 0, share
                )

    # ----- file format --------------------------------------------------------------
    def to_bytes(self) -> bytes:
        header = json.dumps(
            {
                "salt": self.salt.hex(),
                "shingle_words": SHINGLE_WORDS,
                "min_sentences": self.min_sentences,
                "min_run_words": self.min_run_words,
                "min_share": self.min_share,
                "min_shared_shingles": self.min_shared_shingles,
                "documents": [
                    {
                        "name": d.name,
                        "shingles": len(d.shingles),
                        "words": d.word_count,
                        "sentence_starts": list(d.sentence_starts),
                    }
                    for d in self.documents
                ],
            }
        ).encode("utf-8")
        blobs = []
        for d in self.documents:
            a = array("Q", d.shingles)
            if sys.byteorder != "little":
                a.byteswap()
            blobs.append(a.tobytes())
        return b"".join([MAGIC, len(header).to_bytes(4, "big"), header, *blobs])

    @classmethod
    def from_bytes(cls, data: bytes) -> FingerprintSet:
        if not data.startswith(MAGIC):
            raise FingerprintError(
                "not a presend fingerprint file; make one with `presend policy fingerprint add`"
            )
        try:
            pos = len(MAGIC)
            size = int.from_bytes(data[pos : pos + 4], "big")
            header = json.loads(data[pos + 4 : pos + 4 + size])
            pos += 4 + size
            if int(header["shingle_words"]) != SHINGLE_WORDS:
                raise ValueError("shingle size")
            docs = []
            for entry in header["documents"]:
                count = int(entry["shingles"])
                a = array("Q")
                a.frombytes(data[pos : pos + 8 * count])
                if len(a) != count:
                    raise ValueError("truncated")
                if sys.byteorder != "little":
                    a.byteswap()
                pos += 8 * count
                docs.append(
                    RegisteredDocument(
                        str(entry["name"]), a,
                        tuple(int(s) for s in entry["sentence_starts"]), int(entry["words"]),
                    )
                )
            return cls(
                bytes.fromhex(header["salt"]), tuple(docs),
                int(header["min_sentences"]), int(header["min_run_words"]),
                float(header["min_share"]), int(header["min_shared_shingles"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise FingerprintError(
                f"fingerprint file is damaged ({type(exc).__name__}); register the documents again"
            ) from None

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> FingerprintSet:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FingerprintError(
                f"cannot read {path.name} ({type(exc).__name__}); check the path"
            ) from None
        return cls.from_bytes(data)


def _whole_sentences(doc: RegisteredDocument, start_word: int, end_word: int) -> int:
    """How many of ``doc``'s sentences lie wholly inside words [start_word, end_word)."""
    starts = doc.sentence_starts
    first = bisect.bisect_left(starts, start_word)
    count = 0
    for k in range(first, len(starts)):
        a = starts[k]
        b = starts[k + 1] if k + 1 < len(starts) else doc.word_count
        if b > end_word:
            break
        if b > a:
            count += 1
    return count


def _share(doc: RegisteredDocument, first_pos: int, last_pos: int) -> float:
    total = len(doc.shingles)
    return min(1.0, (last_pos - first_pos + 1) / total) if total else 0.0
