"""A seeded, synthetic, labeled corpus of realistic pastes (see ``generate``)."""

from benchmarks.corpus.generate import DEFAULT_SEED, DEFAULT_SIZE, generate_corpus
from benchmarks.corpus.model import Document, Label

__all__ = ["DEFAULT_SEED", "DEFAULT_SIZE", "Document", "Label", "generate_corpus"]
