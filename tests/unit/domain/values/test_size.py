"""Byte sizes: Prometheus' units (powers of 1024), the text kept as written, order by bytes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values.size import ByteSize


@pytest.mark.parametrize("text, size", [
    ("0B", 0),
    ("512B", 512),
    ("1KB", 1024),
    ("512MB", 512 * 1024**2),
    ("10GB", 10 * 1024**3),
    ("2TB", 2 * 1024**4),
    ("1PB", 1024**5),
    ("1EB", 1024**6),
])
def test_a_size_denotes_its_bytes(text, size):
    assert ByteSize.parse(text).bytes == size


@pytest.mark.parametrize("text", ["", "10", "10G", "10 GB", "10gb", "1.5GB", "-1GB", "10GiB", "GB"])
def test_text_outside_the_grammar_is_refused(text):
    with pytest.raises(InvalidValue, match="is not a size"):
        ByteSize.parse(text)


def test_the_text_is_written_back_as_given():
    assert str(ByteSize.parse("1024MB")) == "1024MB"


@pytest.mark.parametrize("a, b", [("1GB", "1024MB"), ("1KB", "1024B"), ("1EB", "1024PB")])
def test_equal_sizes_written_differently_are_equal(a, b):
    assert ByteSize.parse(a) == ByteSize.parse(b)
    assert not ByteSize.parse(a) < ByteSize.parse(b)
    assert not ByteSize.parse(a) > ByteSize.parse(b)
    assert hash(ByteSize.parse(a)) == hash(ByteSize.parse(b))


@pytest.mark.parametrize("smaller, larger", [("1023MB", "1GB"), ("2GB", "3GB"), ("1TB", "1025GB")])
def test_order_follows_the_bytes(smaller, larger):
    assert ByteSize.parse(smaller) < ByteSize.parse(larger)


@pytest.mark.parametrize("text", ["\uff11GB", "\u0661\u0665MB", "5\uff27B", "²B"])
def test_digits_are_ascii_only_as_in_go(text):
    with pytest.raises(InvalidValue, match="is not a size"):
        ByteSize.parse(text)


@pytest.mark.parametrize("text, size", [
    ("7EB", 7 * 2**60), ("8191PB", 8191 * 2**50), ("999999999999999999B", 10**18 - 1),
    ("0" * 3000 + "1KB", 1024),  # leading zeros are free, as in Go's leadingInt
])
def test_sizes_below_8eb_are_accepted(text, size):
    assert ByteSize.parse(text).bytes == size


@pytest.mark.parametrize("text", [
    "8EB",  # 2^63: the real 2.42 and 3.5 take it and wrap it to a negative MaxBytes: no size limit
    "8192PB", "16EB", "9223372036854775807B",
    "1000000000000000000B",  # 19 digits: leadingInt gives up on some of those, float64 rounds others
    "9" * 5000 + "B",  # past Python's 4300-digit limit: an InvalidValue, not a ValueError
])
def test_sizes_from_8eb_up_are_refused(text):
    with pytest.raises(InvalidValue, match="larger than Prometheus can hold"):
        ByteSize.parse(text)


@given(st.text(max_size=60))
def test_any_text_is_a_size_or_an_invalid_value(text):
    try:
        parsed = ByteSize.parse(text)
    except InvalidValue as err:
        assert "\n" not in str(err) and len(str(err)) < 200
        return
    assert text.isascii()
    assert 0 <= parsed.bytes < 2**63


@given(st.integers(0, 10**18 - 1), st.sampled_from(["B", "KB", "MB", "GB", "TB", "PB", "EB"]))
def test_a_size_is_accepted_exactly_when_it_is_below_2_to_the_63(number, unit):
    size = number * 1024 ** ["B", "KB", "MB", "GB", "TB", "PB", "EB"].index(unit)

    if size < 2**63:
        assert ByteSize.parse(f"{number}{unit}").bytes == size
    else:
        with pytest.raises(InvalidValue):
            ByteSize.parse(f"{number}{unit}")
