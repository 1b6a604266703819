"""Roles live in tianmu/core/roles.py (core, the ground floor, needs them for scoping); this
module keeps the old import path working."""

from tianmu.core.roles import AREA_ROLES, ORG_ROLES, Role

__all__ = ["AREA_ROLES", "ORG_ROLES", "Role"]
