"""Durations: Prometheus' grammar, the text kept as written, order by the length denoted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize("text", ["\uff11m", "\u0661\u0665s", "\u06f5m", "1\u0660s", "5\uff4d", "²s"])
def test_digits_are_ascii_only_as_in_go(text):
    # Python's \d takes these; Go's parser reads bytes '0'..'9' (both 2.42 and 3.5 refuse them).
    with pytest.raises(InvalidValue, match="is not a duration"):
        Duration.parse(text)


def test_leading_zeros_are_free_as_in_go():
    # Both Prometheus generations accept 5000 zeros before a 1 (seen with the real binaries).
    assert Duration.parse("0" * 5000 + "1s").milliseconds == 1000


@pytest.mark.parametrize("digits", [21, 4301, 10_000])
def test_a_number_longer_than_go_reads_is_out_of_range_not_a_python_error(digits):
    # Past Python's 4300-digit limit int() would raise a plain ValueError.
    with pytest.raises(InvalidValue, match="longer than Prometheus can represent"):
        Duration.parse("9" * digits + "ms")


@pytest.mark.parametrize("text, accepted", [
    # the edges of int64 nanoseconds, as the real 2.42 and 3.5 judge them (flag parsing)
    ("292y", True), ("293y", False), ("106751d", True), ("106752d", False),
    ("9223372036854ms", True), ("9223372036855ms", False), ("15250w", True), ("15251w", False),
    ("292y24w", True), ("292y25w", False), ("292y1w1d", True), ("292y53w", False),
    ("18446744073709551616ms", False), ("99999999999999999999s", False),
])
def test_the_int64_edge_is_where_prometheus_puts_it(text, accepted):
    if accepted:
        assert Duration.parse(text).milliseconds <= MAX_MILLISECONDS
    else:
        with pytest.raises(InvalidValue, match="longer than Prometheus can represent"):
            Duration.parse(text)


def test_a_refused_duration_is_quoted_short_and_escaped():
    with pytest.raises(InvalidValue) as caught:
        Duration.parse("1\n" + "x" * 1000)

    message = str(caught.value)
    assert message.startswith("'1\\nxxx")
    assert "(1002 characters)" in message
    assert len(message) < 150


UNIT_MS = {"y": 31_536_000_000, "w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000,
           "s": 1000, "ms": 1}


@given(st.dictionaries(st.sampled_from(list(UNIT_MS)), st.integers(0, 10**16), min_size=1))
def test_terms_in_unit_order_denote_their_sum_up_to_the_int64_edge(terms):
    text = "".join(f"{terms[unit]}{unit}" for unit in UNIT_MS if unit in terms)
    expected = sum(amount * UNIT_MS[unit] for unit, amount in terms.items())

    if expected <= MAX_MILLISECONDS:
        assert Duration.parse(text).milliseconds == expected
    else:
        with pytest.raises(InvalidValue, match="longer than Prometheus can represent"):
            Duration.parse(text)


@given(st.text(max_size=80))
def test_any_text_is_a_duration_or_an_invalid_value(text):
    try:
        parsed = Duration.parse(text)
    except InvalidValue as err:
        assert "\n" not in str(err)
        return
    assert text.isascii()
    assert all(char in "0123456789ywdhms" for char in text)
    assert 0 <= parsed.milliseconds <= MAX_MILLISECONDS


@given(st.text(alphabet="0123456789\u0661\uff15ywdhms", max_size=30))
def test_an_accepted_duration_has_ascii_digits_only(text):
    try:
        Duration.parse(text)
    except InvalidValue:
        return
    assert text.isascii()
