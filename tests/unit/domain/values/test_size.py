"""Byte sizes: Prometheus' units (powers of 1024), the text kept as written, order by bytes."""

import pytest

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
