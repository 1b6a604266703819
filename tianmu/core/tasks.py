"""Background work of core: the fact table's refresh (queue "aggregates", settings)."""

from __future__ import annotations

from celery import shared_task

from tianmu.core import facts


@shared_task(name="aggregates.catch_up")
def figures_catch_up() -> int:
    """Refresh the cells of the villages that changes have marked (every few seconds, from
    beat), so that a read seldom has any refreshing left to do."""
    return facts.catch_up()


@shared_task(name="aggregates.rebuild")
def figures_rebuild() -> int:
    """Rebuild every cell from the records (`tianmu figures --rebuild` runs it in-process)."""
    return facts.rebuild()
