"""Elanus benchmark harness (see README.md). Modules are imported as `bench.<name>` so that
`bench/datasets.py` never shadows the Hugging Face `datasets` package other libraries import."""
