"""The scoring model and candidate-pair generation.

Enterprise-village score (each component 0..1)::

    distance   = exp(-km / decay_km)                        great-circle km, halves every ~7 km
    need       = |needs & capabilities| / |needs| * distance  help needs presence
    market     = purchasing(employees) * [village has products] * distance
    labour     = min(1, openings / surplus_labour) if km <= commute_km else 0
    continuity = 1 if the pair is listed in the instance's ``current`` else 0
    multiplier = 1 + priority_boost * priority               priority: 0 (rich) .. 1 (weakest)

    score = multiplier * (need_w*need + market_w*market + labour_w*labour + distance_w*distance)
            + continuity_w * continuity

``purchasing(n) = min(1, log1p(n) / log1p(employees_ref))`` (canteens and festival gifts scale
with head-count, with diminishing returns).  Need and market fit are discounted by distance
because both help with a village's industry and buying its produce weaken with distance; that
also gives every pair beyond ``R`` km (with ``R >= commute_km``) the cheap upper bound
``multiplier * exp(-R/decay_km) * (need_w + market_w + distance_w)`` which the large-scale
certificate relies on.

Chamber score: ``multiplier * 1 + continuity_w * continuity`` (a chamber is always local).
Partner score: ``multiplier * (partner_local_w * locality + partner_kind_w * kind_fit) +
continuity_w * continuity`` with locality 1 if the partner lists the village's town and 0.5 if
it serves anywhere, and kind_fit 1 if the partner's kind is among the village's needs, else 0.5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_WEIGHTS: dict[str, float] = {
    "need": 0.35,
    "market": 0.20,
    "labour": 0.15,
    "distance": 0.30,
    "continuity": 0.20,
    "priority_boost": 0.50,
    "decay_km": 10.0,
    "commute_km": 30.0,
    "employees_ref": 500.0,
    "partner_local": 0.5,
    "partner_kind": 0.5,
}

EARTH_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; broadcasts over numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return hav_to_km(a)


def hav_to_km(a):
    """Great-circle km from the haversine term ``a`` (see :func:`pair_hav`)."""
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def km_to_hav(km: float) -> float:
    """The haversine term of a distance: ``pair_hav <= km_to_hav(r)`` iff ``km <= r``."""
    return math.sin(min(km / (2 * EARTH_KM), math.pi / 2)) ** 2


def pair_hav(va, ea, vi, ei):
    """Haversine term of pairs (vi[k], ei[k]), from per-point radians and cosines; the same
    operations as :func:`haversine_km`, so ``hav_to_km`` of it gives the same km."""
    dphi = ea.rlat[ei] - va.rlat[vi]
    dl = ea.rlon[ei] - va.rlon[vi]
    return np.sin(dphi / 2) ** 2 + va.coslat[vi] * ea.coslat[ei] * np.sin(dl / 2) ** 2


def multiplier(priority: float, w: dict[str, float]) -> float:
    return 1.0 + w["priority_boost"] * priority


@dataclass
class EnterpriseArrays:
    """Column arrays for vectorised scoring (eligible enterprises only)."""

    lat: np.ndarray
    lon: np.ndarray
    caps_mask: np.ndarray  # int64 bitmask over the capability vocabulary
    purchasing: np.ndarray
    openings: np.ndarray
    rlat: np.ndarray  # radians
    rlon: np.ndarray
    coslat: np.ndarray


@dataclass
class VillageArrays:
    lat: np.ndarray
    lon: np.ndarray
    needs_mask: np.ndarray
    n_needs: np.ndarray
    has_products: np.ndarray
    surplus: np.ndarray
    mult: np.ndarray
    rlat: np.ndarray  # radians
    rlon: np.ndarray
    coslat: np.ndarray


def build_arrays(villages, enterprises, w) -> tuple[VillageArrays, EnterpriseArrays]:
    vocab: dict[str, int] = {}
    for v in villages:
        for n in v.needs:
            vocab.setdefault(n, len(vocab))

    # Capabilities outside the needs vocabulary can never match, so they need no bit; with more
    # than 62 distinct needs we fold them (only then can the overlap be over-estimated).
    def mask(items) -> int:
        m = 0
        for it in items:
            b = vocab.get(it)
            if b is not None:
                m |= 1 << (b % 62)
        return m

    ref = math.log1p(max(w["employees_ref"], 1.0))
    elat = np.array([e.lat for e in enterprises], dtype=float)
    elon = np.array([e.lon for e in enterprises], dtype=float)
    vlat = np.array([v.lat for v in villages], dtype=float)
    vlon = np.array([v.lon for v in villages], dtype=float)
    ea = EnterpriseArrays(
        lat=elat,
        lon=elon,
        caps_mask=np.array([mask(e.capabilities) for e in enterprises], dtype=np.int64),
        purchasing=np.minimum(1.0, np.log1p([e.employees for e in enterprises]) / ref)
        if enterprises
        else np.zeros(0),
        openings=np.array([e.openings for e in enterprises], dtype=float),
        rlat=np.radians(elat),
        rlon=np.radians(elon),
        coslat=np.cos(np.radians(elat)),
    )
    va = VillageArrays(
        lat=vlat,
        lon=vlon,
        needs_mask=np.array([mask(v.needs) for v in villages], dtype=np.int64),
        n_needs=np.array([len(set(v.needs)) for v in villages], dtype=float),
        has_products=np.array([1.0 if v.products else 0.0 for v in villages]),
        surplus=np.array([v.surplus_labour for v in villages], dtype=float),
        mult=np.array([multiplier(v.priority, w) for v in villages]),
        rlat=np.radians(vlat),
        rlon=np.radians(vlon),
        coslat=np.cos(np.radians(vlat)),
    )
    return va, ea


def enterprise_components(va: VillageArrays, ea: EnterpriseArrays, vi, ei, w, km=None) -> dict:
    """Component arrays for pairs (vi[k], ei[k]) (index arrays of equal shape); ``km`` may be
    passed when already known (it must be ``hav_to_km(pair_hav(...))`` of the same pairs)."""
    if km is None:
        km = hav_to_km(pair_hav(va, ea, vi, ei))
    dist = np.exp(-km / w["decay_km"])
    overlap = np.bitwise_count(va.needs_mask[vi] & ea.caps_mask[ei]).astype(float)
    need = np.where(va.n_needs[vi] > 0, overlap / np.maximum(va.n_needs[vi], 1.0), 0.0)
    need = np.minimum(need, 1.0) * dist
    market = ea.purchasing[ei] * va.has_products[vi] * dist
    surplus = va.surplus[vi]
    labour = np.where(
        (surplus > 0) & (km <= w["commute_km"]),
        np.minimum(1.0, ea.openings[ei] / np.maximum(surplus, 1.0)),
        0.0,
    )
    base = w["need"] * need + w["market"] * market + w["labour"] * labour + w["distance"] * dist
    return {
        "km": km,
        "need": need,
        "market": market,
        "labour": labour,
        "distance": dist,
        "multiplier": va.mult[vi],
        "base": base,
    }


def enterprise_scores(va, ea, vi, ei, w, km=None) -> np.ndarray:
    """Model score without the continuity bonus."""
    c = enterprise_components(va, ea, vi, ei, w, km)
    return c["multiplier"] * c["base"]


def far_bound(va: VillageArrays, radius_km: float, w) -> np.ndarray:
    """Per village, an upper bound on the model score (without continuity) of any pair farther
    than ``radius_km``: need, market and distance fit all carry the factor
    ``exp(-km/decay_km)``, and the labour fit is at most 1 and is 0 beyond ``commute_km``."""
    b = math.exp(-radius_km / w["decay_km"]) * (w["need"] + w["market"] + w["distance"])
    lab = w["labour"] * (va.surplus > 0) if radius_km < w["commute_km"] else 0.0
    return va.mult * (b + lab)


def chamber_score(village, w, current: bool) -> tuple[float, dict]:
    m = multiplier(village.priority, w)
    s = m * 1.0 + (w["continuity"] if current else 0.0)
    return s, {"locality": 1.0, "multiplier": round(m, 6), "continuity": 1.0 if current else 0.0}


def partner_score(village, partner, w, current: bool) -> tuple[float, dict]:
    m = multiplier(village.priority, w)
    locality = 1.0 if partner.towns is not None else 0.5
    kind_fit = 1.0 if partner.kind is not None and partner.kind in village.needs else 0.5
    s = m * (w["partner_local"] * locality + w["partner_kind"] * kind_fit)
    s += w["continuity"] if current else 0.0
    return s, {
        "locality": locality,
        "kind_fit": kind_fit,
        "multiplier": round(m, 6),
        "continuity": 1.0 if current else 0.0,
    }
