"""Serve stage: what users read from the store — the JSON/JSONL/CSV export, the web app and the REST API."""
