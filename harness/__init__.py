"""Evaluation-first experiment harness for Korean market-report summaries."""

__version__ = "0.1.0"
