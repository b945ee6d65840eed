"""Publish: atomic writes of a run's outputs, the review file, the archive."""
