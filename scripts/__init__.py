"""Operational scripts (benchmarks, one-off jobs); run as `python -m scripts.<name>`."""
