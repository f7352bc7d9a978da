"""Benchmarks: synthetic plan corpora (synth) and the scale benchmark (run)."""
