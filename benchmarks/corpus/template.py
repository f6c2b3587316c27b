"""Rendering of document templates into text with labeled spans.

A template is plain text with slots in guillemets:

* ``«slot»`` or ``«slot:arg»``: a value from ``SLOTS`` (sensitive slots are labeled);
  for person slots ``arg`` names the person (same arg, same person, within a document);
  for ``secret``/``decoy`` it is the config format; otherwise it caches the value.
* ``«one|two «slot»|three»``: one alternative, at random (may be empty: ``«|, please»``);
  alternatives may hold slots.

Labels are computed while the text is assembled, so each label's span holds exactly the
inserted value and labels never overlap.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.corpus.model import Label
from benchmarks.corpus.people import Person, random_person

Part = tuple[str, str | None]  # (text, entity_type or None)
SlotFn = Callable[["Ctx", str], "str | list[Part]"]



@dataclass
class Ctx:
    """State of one document being rendered (plus corpus-wide counts for balancing)."""

    rng: random.Random
    counts: Counter[str]
    people: dict[str, Person] = field(default_factory=dict)
    cache: dict[str, list[Part]] = field(default_factory=dict)
    depth: int = 0

    def person(self, key: str) -> Person:
        if not key:
            return random_person(self.rng)
        if key not in self.people:
            self.people[key] = random_person(self.rng)
        return self.people[key]

    def balanced(self, choices: list[str] | tuple[str, ...]) -> str:
        """One of ``choices``, favouring those seen least so far in the corpus."""
        weights = [1.0 / (1 + self.counts[c]) ** 2 for c in choices]
        return self.rng.choices(list(choices), weights=weights)[0]


SLOTS: dict[str, SlotFn] = {}
PERSON_SLOTS: set[str] = set()
# slots whose arg is a parameter (a format, a range), not a cache key
PARAMETRIC_SLOTS = frozenset({"secret", "decoy", "setting", "n"})


def slot(name: str, person: bool = False) -> Callable[[SlotFn], SlotFn]:
    def register(fn: SlotFn) -> SlotFn:
        SLOTS[name] = fn
        if person:
            PERSON_SLOTS.add(name)
        return fn

    return register


def render(template: str, ctx: Ctx) -> list[Part]:
    parts: list[Part] = []
    for literal, spec in _segments(template):
        if spec is None:
            parts.append((literal, None))
        else:
            parts.extend(_expand(spec, ctx))
    return parts


def _segments(template: str) -> list[tuple[str, str | None]]:
    """Top-level literal text and slot specs (slots may nest inside alternatives)."""
    out: list[tuple[str, str | None]] = []
    depth, start, pos = 0, 0, 0
    for pos, ch in enumerate(template):
        if ch == "«":
            if depth == 0 and pos > start:
                out.append((template[start:pos], None))
            if depth == 0:
                start = pos + 1
            depth += 1
        elif ch == "»":
            depth -= 1
            if depth < 0:
                raise ValueError("unbalanced » in template")
            if depth == 0:
                out.append(("", template[start:pos]))
                start = pos + 1
    if depth:
        raise ValueError("unbalanced « in template")
    if start < len(template):
        out.append((template[start:], None))
    return out


def _split_alternatives(spec: str) -> list[str]:
    alts, depth, start = [], 0, 0
    for i, ch in enumerate(spec):
        if ch == "«":
            depth += 1
        elif ch == "»":
            depth -= 1
        elif ch == "|" and depth == 0:
            alts.append(spec[start:i])
            start = i + 1
    alts.append(spec[start:])
    return alts


def _expand(spec: str, ctx: Ctx) -> list[Part]:
    alternatives = _split_alternatives(spec)
    if len(alternatives) > 1 or spec == "":
        return render_template_tree(ctx.rng.choice(alternatives), ctx)
    name, _, arg = spec.partition(":")
    fn = SLOTS.get(name)
    if fn is None:
        raise KeyError(f"unknown template slot {name!r}")
    cacheable = arg and name not in PERSON_SLOTS and name not in PARAMETRIC_SLOTS
    if cacheable and spec in ctx.cache:
        return ctx.cache[spec]
    out = fn(ctx, arg)
    parts = [(out, None)] if isinstance(out, str) else out
    if cacheable:
        ctx.cache[spec] = parts
    return parts


def render_template_tree(template: str, ctx: Ctx) -> list[Part]:
    """Render, letting slots return templates of their own (bounded depth)."""
    if ctx.depth > 4:
        raise RecursionError("template nesting too deep")
    ctx.depth += 1
    try:
        return render(template, ctx)
    finally:
        ctx.depth -= 1


def assemble(parts: list[Part], counts: Counter[str]) -> tuple[str, tuple[Label, ...]]:
    """Join parts into text and labels; updates ``counts`` with the labeled types."""
    chunks: list[str] = []
    labels: list[Label] = []
    pos = 0
    for text, entity_type in parts:
        if entity_type is not None and text:
            labels.append(Label(pos, pos + len(text), entity_type, text))
            counts[entity_type] += 1
        chunks.append(text)
        pos += len(text)
    return "".join(chunks), tuple(labels)
