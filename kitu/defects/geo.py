"""Plane geometry on WGS84 coordinates, good enough for a town's area (a few kilometres)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def inside(lat: float, lon: float, polygon: Sequence[Sequence[float]]) -> bool:
    """Ray casting: whether the point lies in the polygon of [lat, lon] corners (an empty one contains all)."""
    if len(polygon) < 3:
        return True
    result = False
    j = len(polygon) - 1
    for i in range(len(polygon)):
        (lat_i, lon_i), (lat_j, lon_j) = polygon[i][:2], polygon[j][:2]
        if (lon_i > lon) != (lon_j > lon) and lat < (lat_j - lat_i) * (lon - lon_i) / (lon_j - lon_i) + lat_i:
            result = not result
        j = i
    return result


EARTH_RADIUS_M = 6_371_000
DEFAULT_CENTER = (51.95, 11.69)  # Sachsen-Anhalt, for a town without an area


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """South, west, north, east of a square around the point (a coarse filter before distance_m)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def center(polygon: Sequence[Sequence[float]]) -> tuple[float, float]:
    """The mean of the corners (enough to centre a map), else the default."""
    if not polygon:
        return DEFAULT_CENTER
    return sum(p[0] for p in polygon) / len(polygon), sum(p[1] for p in polygon) / len(polygon)
