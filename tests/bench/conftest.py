"""Benchmarks: `siaga bench` (or `--quick`) times them and prints the table.

In the normal suite (``--benchmark-disable`` in pyproject's addopts)
pytest-benchmark runs each benchmark once, as a test of the code path;
`siaga bench` passes ``--benchmark-enable``. Targets and what each row means
are in ``targets.toml``; figures are reported, never asserted.
"""
