"""Alembic scripts of the state store (a package so that wheels ship them)."""
