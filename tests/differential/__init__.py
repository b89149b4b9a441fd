"""Differential testing of the charm options against the real Prometheus of each generation.

``strategies`` makes values for every option (valid, borderline, garbage), ``judge`` asks the
charm and says where a value lands in Prometheus, ``binaries`` asks the real ``promtool`` and
``prometheus``, ``campaign`` runs it all and counts. ``tests/e2e/test_options_differential.py``
runs a bounded campaign in CI; ``make fuzz`` a longer one.
"""
