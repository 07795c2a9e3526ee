"""Benchmarks of Chronicon (issue 9): `make bench` runs bench.run."""
