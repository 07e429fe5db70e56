"""The service desk's settings, read at each call (tests override them)."""

from __future__ import annotations

from django.conf import settings

from . import sla

DEFAULT_PRIORITY = {  # impact → urgency → priority (1 critical … 4 low)
    "high": {"high": 1, "medium": 2, "low": 3},
    "medium": {"high": 2, "medium": 3, "low": 4},
    "low": {"high": 3, "medium": 4, "low": 4},
}
DEFAULT_LEVELS = {1: (60, 480), 2: (120, 1200), 3: (480, 3000), 4: (960, 6000)}  # service minutes


def hours_setting() -> str:
    return str(getattr(settings, "KITU_SERVICEDESK_HOURS", "0-4 07:00-17:00"))


def hours() -> sla.ServiceHours:
    return sla.ServiceHours.parse(
        hours_setting(),
        timezone=settings.TIME_ZONE,
        subdivision=getattr(settings, "KITU_SERVICEDESK_HOLIDAYS", "ST"),
    )


def priority(impact: str, urgency: str) -> int:
    matrix: dict[str, dict[str, int]] = getattr(settings, "KITU_SERVICEDESK_PRIORITY", DEFAULT_PRIORITY)
    return int(matrix[impact][urgency])


def default_levels() -> dict[int, tuple[int, int]]:
    levels: dict[int, tuple[int, int]] = getattr(settings, "KITU_SERVICEDESK_LEVELS", DEFAULT_LEVELS)
    return levels


def warn_minutes() -> int:
    """A warning is recorded this many minutes (wall time) before a due time."""
    return int(getattr(settings, "KITU_SERVICEDESK_WARN_MINUTES", 60))


def mail_in_secret() -> str:
    return str(getattr(settings, "KITU_MAIL_IN_SECRET", "") or "")


def support_service_code() -> str:
    """The per-hour service of the members' support contracts that billable time is billed under."""
    return str(getattr(settings, "KITU_SERVICEDESK_SUPPORT_SERVICE", "unterstuetzung-fachpersonal"))


def max_upload_bytes() -> int:
    return int(getattr(settings, "KITU_SERVICEDESK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
