"""Up-front validation of instance JSON.

Every problem is reported as an :class:`InstanceError` whose message names the offending item
(``villages[3] (id 'v3'): missing 'town'``), so the CLI can print it and exit with code 2 before
any optimisation starts or any file is written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .model import Chamber, Enterprise, Instance, Partner, Rules, Village
from .scoring import DEFAULT_WEIGHTS


class InstanceError(ValueError):
    """The instance is malformed; the message names the offending item."""


TOP_KEYS = {
    "rules",
    "villages",
    "enterprises",
    "chambers",
    "partners",
    "weights",
    "scores",
    "fixed",
    "current",
}
RULE_KEYS = {"core", "chamber", "partners", "core_roles", "max_same_industry"}
VILLAGE_KEYS = {"id", "town", "lat", "lon", "priority", "needs", "products", "surplus_labour"}
ENTERPRISE_KEYS = {
    "id",
    "town",
    "lat",
    "lon",
    "core_eligible",
    "roles",
    "industry",
    "capabilities",
    "employees",
    "openings",
    "capacity",
}
CHAMBER_KEYS = {"id", "town", "capacity"}
PARTNER_KEYS = {"id", "kind", "towns", "capacity"}
SCORE_POOLS = {"enterprise", "chamber", "partner"}


def load_instance(source: str | Path | dict[str, Any]) -> Instance:
    """Parse and validate an instance from a path, a JSON string or an already-decoded dict."""
    if isinstance(source, dict):
        return parse_instance(source)
    text: str
    if isinstance(source, Path) or (
        isinstance(source, str) and not source.lstrip().startswith("{")
    ):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InstanceError(f"cannot read instance file {str(path)!r}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise InstanceError(f"instance file {str(path)!r} is not UTF-8: {exc}") from exc
    else:
        text = source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    return parse_instance(data)


def _label(section: str, i: int, item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str | int):
        return f"{section}[{i}] (id {str(item['id'])!r})"
    return f"{section}[{i}]"


def _keys(obj: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise InstanceError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise InstanceError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    return obj


def _int(obj: dict, key: str, where: str, default: int | None = None, minimum: int = 0) -> int:
    val = obj.get(key, default)
    if val is None and default is None and key not in obj:
        raise InstanceError(f"{where}: missing {key!r}")
    if isinstance(val, bool) or not isinstance(val, int):
        if isinstance(val, float) and val.is_integer():
            val = int(val)
        else:
            raise InstanceError(f"{where}: {key!r} must be an integer, got {val!r}")
    if val < minimum:
        word = "negative" if minimum == 0 else f"below {minimum}"
        raise InstanceError(f"{where}: {key!r} is {word} ({val})")
    return val


def _num(obj: dict, key: str, where: str, default: float | None = None) -> float | None:
    val = obj.get(key, default)
    if val is None:
        return None
    if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val):
        raise InstanceError(f"{where}: {key!r} must be a finite number, got {val!r}")
    return float(val)


def _id(obj: dict, where: str) -> str:
    val = obj.get("id")
    if isinstance(val, bool) or not isinstance(val, str | int) or val == "":
        raise InstanceError(f"{where}: missing or invalid 'id' ({val!r})")
    return str(val)


def _strs(obj: dict, key: str, where: str) -> tuple[str, ...]:
    val = obj.get(key) or []
    if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
        raise InstanceError(f"{where}: {key!r} must be a list of strings")
    return tuple(val)


def _town(obj: dict, where: str, required: bool) -> str | None:
    val = obj.get("town")
    if val is None or (isinstance(val, str) and not val.strip()):
        if required:
            raise InstanceError(f"{where}: missing 'town'")
        return None
    if not isinstance(val, str | int):
        raise InstanceError(f"{where}: 'town' must be a string, got {val!r}")
    return str(val)


def _list(data: dict, key: str) -> list:
    val = data.get(key, [])
    if not isinstance(val, list):
        raise InstanceError(f"{key!r} must be a list")
    return val


def _score_table_fast(
    rows: list, members: set[str], villages: set[str]
) -> dict[tuple[str, str], float] | None:
    """The score table of valid `rows`, checked column by column (a county's 525,000 pairs in a
    fraction of the row-by-row time), or None when any row is wrong: the caller then checks row
    by row, for the message naming it."""
    if not all(type(row) is list and len(row) == 3 for row in rows):
        return None
    mids = [str(row[0]) for row in rows]
    vids = [str(row[1]) for row in rows]
    values = [row[2] for row in rows]
    if not (set(mids) <= members and set(vids) <= villages):
        return None
    if not all(type(v) is float or type(v) is int for v in values):  # bool is neither
        return None
    if not all(map(math.isfinite, values)):
        return None
    table = dict(zip(zip(mids, vids, strict=True), map(float, values), strict=True))
    return table if len(table) == len(rows) else None  # a duplicate pair


def parse_instance(data: Any) -> Instance:
    """Validate decoded JSON and build an :class:`Instance`."""
    data = _keys(data, TOP_KEYS, "instance")
    for key in ("villages", "enterprises", "chambers", "partners"):
        if key not in data and key in ("villages",):
            raise InstanceError(f"instance: missing {key!r}")

    raw_rules = _keys(data.get("rules", {}), RULE_KEYS, "rules")
    partners_rule = raw_rules.get("partners", [0, 3])
    if (
        not isinstance(partners_rule, list | tuple)
        or len(partners_rule) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in partners_rule)
        or partners_rule[0] < 0
        or partners_rule[1] < partners_rule[0]
    ):
        raise InstanceError(
            f"rules: 'partners' must be [min, max] with 0 <= min <= max, got {partners_rule!r}"
        )
    roles = raw_rules.get("core_roles") or {}
    if not isinstance(roles, dict):
        raise InstanceError("rules: 'core_roles' must be an object {role: minimum}")
    for role, m in roles.items():
        if isinstance(m, bool) or not isinstance(m, int) or m < 0:
            raise InstanceError(f"rules: core_roles[{role!r}] must be a non-negative integer")
    msi = raw_rules.get("max_same_industry")
    if msi is not None:
        msi = _int(raw_rules, "max_same_industry", "rules", minimum=1)
    rules = Rules(
        core=_int(raw_rules, "core", "rules", default=5),
        chamber=_int(raw_rules, "chamber", "rules", default=1),
        partners=(partners_rule[0], partners_rule[1]),
        core_roles={str(k): v for k, v in sorted(roles.items()) if v > 0},
        max_same_industry=msi,
    )

    seen: dict[str, str] = {}

    def claim(ident: str, where: str, scope: str) -> None:
        key = f"{scope}:{ident}"
        if key in seen:
            raise InstanceError(f"{where}: duplicate id {ident!r} (also {seen[key]})")
        seen[key] = where

    villages: list[Village] = []
    for i, raw in enumerate(_list(data, "villages")):
        where = _label("villages", i, raw)
        _keys(raw, VILLAGE_KEYS, where)
        vid = _id(raw, where)
        claim(vid, where, "village")
        villages.append(
            Village(
                id=vid,
                town=_town(raw, where, required=True),
                lat=_num(raw, "lat", where),
                lon=_num(raw, "lon", where),
                priority=_num(raw, "priority", where, 0.0) or 0.0,
                needs=_strs(raw, "needs", where),
                products=_strs(raw, "products", where),
                surplus_labour=_int(raw, "surplus_labour", where, default=0),
            )
        )

    enterprises: list[Enterprise] = []
    for i, raw in enumerate(_list(data, "enterprises")):
        where = _label("enterprises", i, raw)
        _keys(raw, ENTERPRISE_KEYS, where)
        eid = _id(raw, where)
        claim(eid, where, "member")
        elig = raw.get("core_eligible", True)
        if not isinstance(elig, bool):
            raise InstanceError(f"{where}: 'core_eligible' must be true or false")
        industry = raw.get("industry")
        enterprises.append(
            Enterprise(
                id=eid,
                town=_town(raw, where, required=False),
                lat=_num(raw, "lat", where),
                lon=_num(raw, "lon", where),
                core_eligible=elig,
                roles=_strs(raw, "roles", where),
                industry=None if industry is None else str(industry),
                capabilities=_strs(raw, "capabilities", where),
                employees=_int(raw, "employees", where, default=0),
                openings=_int(raw, "openings", where, default=0),
                capacity=_int(raw, "capacity", where, default=1),
            )
        )

    chambers: list[Chamber] = []
    for i, raw in enumerate(_list(data, "chambers")):
        where = _label("chambers", i, raw)
        _keys(raw, CHAMBER_KEYS, where)
        cid = _id(raw, where)
        claim(cid, where, "member")
        chambers.append(
            Chamber(
                id=cid,
                town=_town(raw, where, required=True),
                capacity=_int(raw, "capacity", where, default=1),
            )
        )

    partners: list[Partner] = []
    for i, raw in enumerate(_list(data, "partners")):
        where = _label("partners", i, raw)
        _keys(raw, PARTNER_KEYS, where)
        pid = _id(raw, where)
        claim(pid, where, "member")
        towns = raw.get("towns")
        if towns is not None:
            if not isinstance(towns, list) or not all(isinstance(t, str | int) for t in towns):
                raise InstanceError(f"{where}: 'towns' must be a list of towns or null")
            towns = tuple(str(t) for t in towns)
        kind = raw.get("kind")
        partners.append(
            Partner(
                id=pid,
                kind=None if kind is None else str(kind),
                towns=towns,
                capacity=_int(raw, "capacity", where, default=1),
            )
        )

    raw_w = data.get("weights") or {}
    _keys(raw_w, set(DEFAULT_WEIGHTS), "weights")
    weights = dict(DEFAULT_WEIGHTS)
    for k in raw_w:
        val = _num(raw_w, k, "weights")
        if val is None or val < 0:
            raise InstanceError(f"weights: {k!r} must be a non-negative number")
        weights[k] = val

    village_ids = {v.id for v in villages}
    pool_ids = {
        "enterprise": {e.id for e in enterprises},
        "chamber": {c.id for c in chambers},
        "partner": {p.id for p in partners},
    }
    all_members = set().union(*pool_ids.values())

    scores: dict[str, dict[tuple[str, str], float]] = {}
    raw_s = data.get("scores")
    if raw_s is not None:
        _keys(raw_s, SCORE_POOLS, "scores")
        for pool, rows in raw_s.items():
            if not isinstance(rows, list):
                raise InstanceError(
                    f"scores.{pool}: must be a list of [member_id, village_id, score]"
                )
            table = _score_table_fast(rows, pool_ids[pool], village_ids)
            if table is not None:
                scores[pool] = table
                continue
            # Something is wrong: the row-by-row check names the first offending row.
            table = {}
            for i, row in enumerate(rows):
                where = f"scores.{pool}[{i}]"
                if not isinstance(row, list) or len(row) != 3:
                    raise InstanceError(f"{where}: expected [member_id, village_id, score]")
                mid, vid, sc = str(row[0]), str(row[1]), row[2]
                if mid not in pool_ids[pool]:
                    raise InstanceError(f"{where}: unknown {pool} id {mid!r}")
                if vid not in village_ids:
                    raise InstanceError(f"{where}: unknown village id {vid!r}")
                if isinstance(sc, bool) or not isinstance(sc, int | float) or not math.isfinite(sc):
                    raise InstanceError(f"{where}: score must be a finite number, got {sc!r}")
                if (mid, vid) in table:
                    raise InstanceError(f"{where}: duplicate score for pair [{mid!r}, {vid!r}]")
                table[(mid, vid)] = float(sc)
            scores[pool] = table

    def pairs(key: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for i, row in enumerate(_list(data, key)):
            where = f"{key}[{i}]"
            if not isinstance(row, list) or len(row) != 2:
                raise InstanceError(f"{where}: expected [member_id, village_id]")
            mid, vid = str(row[0]), str(row[1])
            if mid not in all_members:
                raise InstanceError(f"{where}: unknown member id {mid!r}")
            if vid not in village_ids:
                raise InstanceError(f"{where}: unknown village id {vid!r}")
            if (mid, vid) in out:
                raise InstanceError(f"{where}: duplicate pair [{mid!r}, {vid!r}]")
            out.append((mid, vid))
        return out

    fixed = pairs("fixed")
    current = set(pairs("current"))

    # Scoring model needs coordinates for enterprise pairs it will have to score.
    if "enterprise" not in scores:
        for i, v in enumerate(villages):
            if v.lat is None or v.lon is None:
                raise InstanceError(
                    f"villages[{i}] (id {v.id!r}): 'lat' and 'lon' are required when enterprise "
                    "scores come from the scoring model"
                )
        for i, e in enumerate(enterprises):
            if e.core_eligible and (e.lat is None or e.lon is None):
                raise InstanceError(
                    f"enterprises[{i}] (id {e.id!r}): 'lat' and 'lon' are required when "
                    "enterprise scores come from the scoring model"
                )

    return Instance(
        rules=rules,
        villages=villages,
        enterprises=enterprises,
        chambers=chambers,
        partners=partners,
        weights=weights,
        scores=scores,
        fixed=fixed,
        current=current,
    )
