"""Defaults shared by the facts engine and its CLI, kept import-free so the CLI starts fast."""

DEFAULT_SAMPLE_SIZE = 100
"""Reviews per category that go through the Korean analyser for keywords (the work bound)."""
