"""Benchmarks: run by hand (`python -m bench.<name> --json`), print JSON, never timed tests."""
