"""Placeholder: filled in by the walking-skeleton work."""
