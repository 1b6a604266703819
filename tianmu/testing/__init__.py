"""Test support shared by every app's tests (the test world, `world.py`) and the synthetic
data generator behind `tianmu gendata` (`gendata.py`).

A package at the top of `tianmu`, above every app, because it builds objects of many apps;
no production module imports it (the import-linter contract in pyproject.toml says so). It is
an installed app only for the `gendata` command; the test world (which needs factory_boy, a
development dependency) is imported on first use, not when Django loads the app.
"""


def __getattr__(name: str):
    if name == "build_world":
        from tianmu.testing.world import build_world

        return build_world
    raise AttributeError(name)


__all__ = ["build_world"]
