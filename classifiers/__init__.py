"""presend's classification engine: pure Python, no Qt, no network, no disk writes.

Public API::

    from classifiers.engine import Engine, default_engine
    result = default_engine().scan(text, source="-")
"""
