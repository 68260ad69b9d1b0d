"""Benchmarks (not tests): ``python -m bench.checks_bench``."""
