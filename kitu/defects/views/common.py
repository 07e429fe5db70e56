from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from .. import geo, selectors
from ..models import DefectService, Report


def map_context(service: DefectService, reports: Any = (), *, public: bool) -> dict[str, Any]:
    """What the map script needs (data-* attributes and a json_script block): tiles, centre, the town's
    area and markers linking to the public tracking page or the case page."""
    lat, lon = geo.center(service.area)

    def link(report: Report) -> str:
        if public:
            return reverse("defects:town", args=[service.slug]) + f"#meldung-{report.pk}"
        return reverse("defects:case", args=[report.pk])

    return {
        "map": {
            "tiles": settings.KITU_MAP_TILES,
            "attribution": settings.KITU_MAP_ATTRIBUTION,
            "center": [lat, lon],
            "area": service.area,
            "points": selectors.map_points(reports, link),
        }
    }
