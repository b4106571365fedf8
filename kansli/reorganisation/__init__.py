"""Reorganisation without losing cases: moving a responsibility between authorities, or
merging and closing units, in one audited action."""
