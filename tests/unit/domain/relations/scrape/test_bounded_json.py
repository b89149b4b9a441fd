"""Relation JSON is measured and its nesting counted before json.loads sees it."""

import pytest

from domain.errors import InvalidValue
from domain.relations.scrape.bounded_json import bounded_loads


@pytest.mark.parametrize("text, value", [
    ('[{"a": [1, 2.5, "x"]}]', [{"a": [1, 2.5, "x"]}]),
    ('"[[[[[[[[[[[[[[[[[[[[[[["', "[" * 23),  # brackets inside strings are not nesting
    ('["\\"[[[[[[[[[[[[[[[[[[[[["]', ['"' + "[" * 21]),  # nor after an escaped quote
    ("[" * 16 + "]" * 16, [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]),
])
def test_what_fits_is_parsed(text, value):
    assert bounded_loads(text, "scrape_jobs", 1000) == value


@pytest.mark.parametrize("text, reason", [
    ("[" * 17 + "]" * 17, "nested deeper than 16"),
    ("[" * 100_000, "bytes"),
    ("[" + "1" * 33 + "]", "number of 33 characters"),
    ("[NaN]", "NaN is not JSON"),
    ("[-Infinity]", "-Infinity is not JSON"),
    ('{"a": 1, "a": 2}', "twice"),
    ("[1,", "not valid JSON"),
    ("", "not valid JSON"),
])
def test_what_does_not_is_refused_with_its_reason(text, reason):
    with pytest.raises(InvalidValue, match=reason):
        bounded_loads(text, "scrape_jobs", 1000)


def test_the_size_counts_utf8_bytes():
    assert bounded_loads('"éé"', "x", 6) == "éé"
    with pytest.raises(InvalidValue, match="x is 8 bytes"):
        bounded_loads('"ééé"', "x", 6)
