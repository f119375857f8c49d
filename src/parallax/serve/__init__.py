"""Serve stage: what users read from the store — the JSON/JSONL/CSV export (and, later, the web app)."""
