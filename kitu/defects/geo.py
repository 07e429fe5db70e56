"""Plane geometry on WGS84 coordinates, good enough for a town's area (a few kilometres)."""

from __future__ import annotations

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
