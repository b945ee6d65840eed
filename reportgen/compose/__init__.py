"""Compose: figures + plan -> a document model (already formatted in Vietnamese)."""
