"""ESIA's timestamp and signed strings."""

from __future__ import annotations

from datetime import datetime

import pytest

from shared import esia_wire as ew


def test_timestamp_round_trip_and_offsets():
    moment = datetime(2015, 11, 2, 9, 52, 36)
    assert ew.format_timestamp(moment) == "2015.11.02 09:52:36 +0000"
    for text in ("2015.11.02 09:52:36 +0000", "2015.11.02 12:52:36 +0300", "2015.11.02 06:52:36 -0300"):
        assert ew.parse_timestamp(text) == moment


def test_timestamp_plus_lost_in_a_query_string_is_restored():
    assert ew.parse_timestamp("2015.11.02 12:52:36  0300") == datetime(2015, 11, 2, 9, 52, 36)


@pytest.mark.parametrize("text", ["", "2015-11-02 09:52:36 +0000", "2015.11.02 09:52:36", "2015.13.02 09:52:36 +0000"])
def test_timestamp_in_another_format_is_refused(text):
    with pytest.raises(ValueError):
        ew.parse_timestamp(text)


def test_signed_strings_concatenate_in_esia_order():
    assert ew.legacy_string("openid", "T", "CID", "S") == "openidTCIDS"
    assert (
        ew.v2_string("CID", "openid fullname", "org", "T", "S", "https://rp/cb")
        == "CIDopenid fullnameorgTShttps://rp/cb"
    )
    assert ew.v3_code_string("CID", "openid", "", "T", "S", "https://rp/cb", "CODE") == "CIDopenidTShttps://rp/cbCODE"
    assert ew.v3_refresh_string_aisgorod("CID", "openid", "T", "S", "RT") == "CIDopenidTSRT"
