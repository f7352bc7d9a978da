"""Loaders: files → records → triples. Imports kg only; never queries, api or viz."""
