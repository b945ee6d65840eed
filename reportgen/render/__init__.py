"""Render: one adapter per output format, both fed the same document model."""
