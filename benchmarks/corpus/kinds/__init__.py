"""Document kinds: each module maps a kind name to (sensitive templates, clean templates).

A template is either a string (see ``benchmarks.corpus.template``) or a callable taking a
``random.Random`` and returning one (for documents assembled line by line).
"""
