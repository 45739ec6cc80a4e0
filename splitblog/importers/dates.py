"""Dates as exports write them: ISO 8601 (Atom, WXR's GMT fields) and RFC 822 (RSS)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_date(value: str | None, zone: str = "UTC") -> datetime | None:
    """A moment, or None for an empty or unreadable value (WordPress writes
    0000-00-00 00:00:00 for a draft never published)."""
    if not value or not value.strip() or value.startswith("0000"):
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        from zoneinfo import ZoneInfo

        moment = moment.replace(tzinfo=ZoneInfo(zone) if zone != "UTC" else UTC)
    return moment.replace(microsecond=0)
