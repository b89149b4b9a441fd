"""Durations: Prometheus' grammar, the text kept as written, order by the length denoted."""

import pytest

from domain.errors import InvalidValue
from domain.values.duration import MAX_MILLISECONDS, Duration


@pytest.mark.parametrize("text, milliseconds", [
    ("0", 0),
    ("0s", 0),
    ("500ms", 500),
    ("30s", 30_000),
    ("1m", 60_000),
    ("1h30m", 5_400_000),
    ("2d", 172_800_000),
    ("1w", 604_800_000),
    ("1y", 31_536_000_000),
    ("1y2w3d4h5m6s7ms", 31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000
     + 5 * 60_000 + 6_000 + 7),
])
def test_a_duration_denotes_its_length(text, milliseconds):
    assert Duration.parse(text).milliseconds == milliseconds


@pytest.mark.parametrize("text", ["", "5", "1.5s", "-1s", "1 m", "5 minutes", "1s1m", "1m1m", "1M", "1ns",
                                  "10us", "s"])
def test_text_outside_the_grammar_is_refused(text):
    with pytest.raises(InvalidValue, match="is not a duration"):
        Duration.parse(text)


def test_the_text_is_written_back_as_given():
    assert str(Duration.parse("90s")) == "90s"
    assert str(Duration.parse("1h30m")) == "1h30m"


@pytest.mark.parametrize("a, b", [("1m", "60s"), ("10s", "10000ms"), ("1h", "60m"), ("1d", "24h"),
                                  ("1w", "7d"), ("0", "0s")])
def test_equal_lengths_written_differently_are_equal(a, b):
    assert Duration.parse(a) == Duration.parse(b)
    assert not Duration.parse(a) < Duration.parse(b)
    assert not Duration.parse(a) > Duration.parse(b)
    assert Duration.parse(a) <= Duration.parse(b) <= Duration.parse(a)
    assert hash(Duration.parse(a)) == hash(Duration.parse(b))


@pytest.mark.parametrize("shorter, longer", [("59s", "1m"), ("9999ms", "10s"), ("1m", "61s"), ("23h", "1d")])
def test_order_follows_the_length(shorter, longer):
    assert Duration.parse(shorter) < Duration.parse(longer)
    assert Duration.parse(longer) > Duration.parse(shorter)
    assert max(Duration.parse(longer), Duration.parse(shorter)).text == longer


def test_the_longest_duration_prometheus_holds_is_accepted_and_one_more_millisecond_is_not():
    assert Duration.parse(f"{MAX_MILLISECONDS}ms").milliseconds == MAX_MILLISECONDS

    with pytest.raises(InvalidValue, match="longer than Prometheus can represent"):
        Duration.parse(f"{MAX_MILLISECONDS + 1}ms")
