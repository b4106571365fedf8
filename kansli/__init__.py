"""Kansli: case and document management for Swedish municipalities."""
