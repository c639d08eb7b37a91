"""Benchmark of site-gen against Hugo on generated catalogues (`python -m bench`)."""
