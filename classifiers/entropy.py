"""Shannon entropy of a value, in bits per character."""

from __future__ import annotations

import math
from collections import Counter


def shannon_entropy(value: str) -> float:
    """Bits of information per character of ``value`` (0.0 for an empty value).

    Used by rules (``min_entropy``) and the ``low_entropy`` filter to tell random tokens
    from words, placeholders and repeated characters.
    """
    n = len(value)
    if n == 0:
        return 0.0
    total = 0.0
    for count in Counter(value).values():
        p = count / n
        total -= p * math.log2(p)
    return total
