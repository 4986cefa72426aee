"""Benchmarks: run with `./scripts/test tests/bench --benchmark-enable` to time them.

In the normal suite pytest-benchmark runs each benchmark once (as a test of
the code path); figures are reported, never asserted.
"""
