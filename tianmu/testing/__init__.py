"""Test support shared by every app's tests: the test world (`world.py`).

A package at the top of `tianmu`, above every app, because it builds objects of many apps;
no production module imports it (the import-linter contract in pyproject.toml says so).
"""

from tianmu.testing.world import build_world

__all__ = ["build_world"]
