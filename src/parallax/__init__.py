"""Parallax: every side of a news story.

The package is a pipeline of stages over typed records
(ingest → extract → annotate → attribute → events → stories → store → serve);
each stage lives in its own sub-package and knows nothing of the CLI or the engine running it.
"""

__version__ = "0.1.0"
