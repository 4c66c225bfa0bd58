"""Publication times as feeds write them, parsed to aware UTC datetimes.

This is the only module that imports python-dateutil. The common forms take the standard
library's fast paths (ISO 8601 with :meth:`datetime.fromisoformat`, RFC 2822 with
:mod:`email.utils`); epoch seconds or milliseconds are recognised by their digits; anything
else goes to :func:`dateutil.parser.parse`, which reads newswire forms such as Reuters-21578's
``26-FEB-1987 15:01:01.79``.

Determinism: dateutil fills fields the text lacks from a default date, normally today. Here
the default is fixed, and a value without a four-digit year (``"May 5"``, ``"3"``) is not
parsed at all, so the same input always gives the same time.
"""

from __future__ import annotations

import email.utils
import json
import re
import warnings
from datetime import UTC, datetime, timedelta

from dateutil import parser as _dateutil_parser

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DEFAULT = datetime(2000, 1, 1)  # only for fields a dated value lacks (time of day)
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MIN_EPOCH_DIGITS = 9  # 1973-03-03 in seconds; shorter numbers are years or ids, not times
_MS_EPOCH_DIGITS = 12  # 12+ digits: milliseconds (seconds would be past the year 5000)


def parse_date(value: str) -> datetime | None:
    """Parse a publication time to an aware UTC datetime, or ``None`` if it is not one.

    A time without a zone is taken as UTC.

    >>> parse_date("2017-09-07T10:00:00+07:00").isoformat()
    '2017-09-07T03:00:00+00:00'
    >>> parse_date("Tue, 24 Nov 2026 08:30:00 GMT").isoformat()
    '2026-11-24T08:30:00+00:00'
    >>> parse_date("26-FEB-1987 15:01:01.79").isoformat()
    '1987-02-26T15:01:01.790000+00:00'
    >>> parse_date("1504753200").isoformat()
    '2017-09-07T03:00:00+00:00'
    >>> parse_date("yesterday") is None, parse_date("May 5") is None
    (True, True)
    """
    return parse_date_noted(value)[0]


def parse_date_noted(value: str) -> tuple[datetime | None, str | None]:
    """:func:`parse_date`, with a note when the result involved a guess (else ``None``).

    >>> when, note = parse_date_noted("27-MAR-1987 03:48:23.00RM")
    >>> when.isoformat(), note
    ('1987-03-27T03:48:23+00:00', 'unknown zone name ignored; time taken as UTC')
    """
    text = value.strip()
    if not text:
        return None, None
    found = _parse(text)
    parsed, note = found if isinstance(found, tuple) else (found, None)
    if parsed is None:
        return None, None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC), note
    except (OverflowError, ValueError):
        return None, None


def _parse(text: str) -> datetime | tuple[datetime, str] | None:
    if _NUMBER.fullmatch(text):
        return _from_epoch(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    if not _YEAR.search(text):
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _dateutil_parser.UnknownTimezoneWarning)
        try:
            parsed = _dateutil_parser.parse(text, default=_DEFAULT)
        except (ValueError, OverflowError):
            return None
    if caught:
        # A zone name dateutil does not know is left out, and the time read as UTC like any
        # zone-less time; the caller is told (Reuters' "02:17:09.88RM" is line noise, "CET"
        # would be an hour off).
        return parsed.replace(tzinfo=None), "unknown zone name ignored; time taken as UTC"
    return parsed


def _from_epoch(text: str) -> datetime | None:
    digits = len(text.lstrip("+-").split(".")[0])
    if digits < _MIN_EPOCH_DIGITS:
        return None
    seconds = float(text)
    if digits >= _MS_EPOCH_DIGITS:
        seconds /= 1000
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None


def undated_feed_warnings(
    given: dict[str, int], failed: dict[str, int], survivor: tuple[str, ...]
) -> list[str]:
    """A warning for each input file whose every ``published`` value failed to parse.

    Args:
        given: Articles with a ``published`` value, by input file.
        failed: ...of which the value could not be parsed, by input file.
        survivor: The dedup survivor keys (``DedupConfig.survivor``).

    Returns:
        One message per such file, naming the survivor rule that decides instead.

    >>> undated_feed_warnings({"a.jsonl": 2}, {"a.jsonl": 2}, ("published", "length"))[0][:60]
    "a.jsonl: none of its 2 'published' value(s) could be parsed "
    """
    if "published" in survivor:
        rest = [key for key in survivor if key != "published"] or ["input_order"]
        fallback = (
            "so the 'earliest published' survivor rule cannot apply and duplicates are "
            f"decided by {' then '.join(rest)}"
        )
    else:
        fallback = "(the survivor rule does not use dates)"
    return [
        f"{source}: none of its {n} 'published' value(s) could be parsed (published is null; "
        f"the raw values are in the edits), {fallback}"
        for source, n in sorted(given.items())
        if n and failed.get(source, 0) == n
    ]


def with_published_raw(extra: str | None, raw: str | None) -> str | None:
    """The ``extra`` JSON object with ``published_raw`` set to the input's date value.

    Kept when the value could not be parsed (or needed a guess), so nothing of the input is
    lost and the value can be parsed again downstream.

    >>> with_published_raw('{"category": "2"}', "yesterday")
    '{"category": "2", "published_raw": "yesterday"}'
    """
    if raw is None:
        return extra
    fields: dict[str, str] = json.loads(extra) if extra else {}
    fields["published_raw"] = raw
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)
