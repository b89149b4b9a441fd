"""The charm's functional core: pure functions and values, no I/O.

Nothing in this package imports ``ops``, touches the network, the file system, the clock
or the environment; ``tests/unit/domain/test_purity.py`` enforces it.
"""
