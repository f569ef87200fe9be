"""signing_time forms: aware datetime, int and float Unix seconds, None (now)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Optional

import pytest

import auroraiam
from auroraiam import InvalidParameterError

from conftest import AKID, AT, HOST, SECRET

CREDS = auroraiam.Credentials(AKID, SECRET)


def token(signing_time: object) -> str:
    return auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=CREDS, signing_time=signing_time)


def amz_date(tok: str) -> str:
    return tok.split("X-Amz-Date=")[1][:16]


REFERENCE = token(AT)


def test_int_seconds() -> None:
    assert amz_date(REFERENCE) == "20261126T120000Z"


def test_float_seconds_are_floored() -> None:
    assert token(float(AT)) == REFERENCE
    assert token(AT + 0.999999) == REFERENCE
    assert token(AT - 0.000001) != REFERENCE


@pytest.mark.parametrize("offset_hours", [0, 5.5, -11, 14])
def test_aware_datetimes_in_any_zone(offset_hours: float) -> None:
    zone = timezone(timedelta(hours=offset_hours))
    assert token(datetime.fromtimestamp(AT, zone)) == REFERENCE


def test_datetime_microseconds_are_floored() -> None:
    at = datetime.fromtimestamp(AT, timezone.utc)
    assert token(at + timedelta(microseconds=999_999)) == REFERENCE
    assert token(at - timedelta(microseconds=1)) != REFERENCE


def test_datetime_extremes_are_exact() -> None:
    # Float timestamps would round 9999-12-31T23:59:59.999999 up into year 10000.
    last = datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    assert amz_date(token(last)) == "99991231T235959Z"
    assert amz_date(token(datetime(1970, 1, 1, tzinfo=timezone.utc))) == "19700101T000000Z"
    with pytest.raises(InvalidParameterError) as raised:
        token(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc))
    assert raised.value.code == "INVALID_SIGNING_TIME"
    with pytest.raises(InvalidParameterError):
        token(datetime(1, 1, 1, tzinfo=timezone.utc))


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(InvalidParameterError) as raised:
        token(datetime(2026, 11, 26, 12, 0, 0))
    assert raised.value.code == "INVALID_SIGNING_TIME"
    assert "naive" in str(raised.value) and "signing_time" in str(raised.value)


def test_tzinfo_without_offset_counts_as_naive() -> None:
    class NoOffset(tzinfo):
        def utcoffset(self, dt: Optional[datetime]) -> Optional[timedelta]:
            return None

    with pytest.raises(InvalidParameterError):
        token(datetime(2026, 11, 26, tzinfo=NoOffset()))


def test_datetime_subclass() -> None:
    class Stamp(datetime):
        pass

    assert token(Stamp.fromtimestamp(AT, timezone.utc)) == REFERENCE


@pytest.mark.parametrize("value", [date(2026, 11, 26), "1795694400", True, b"1", timedelta(seconds=AT)])
def test_other_types(value: object) -> None:
    with pytest.raises(TypeError, match="signing_time"):
        token(value)


def test_none_is_now() -> None:
    before = int(time.time())
    tok = token(None)
    after = int(time.time())
    stamps = {amz_date(token(t)) for t in range(before, after + 1)}
    assert amz_date(tok) in stamps
    assert amz_date(auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=CREDS)) >= amz_date(tok)
