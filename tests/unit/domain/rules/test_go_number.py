"""check_go_number accepts a template number exactly when Go's text/template parser does
(promtool check rules of both generations agrees on the rows of cases.py): integers that fit in
int64 or uint64, finite float64s, imaginary and complex numbers as strconv and fmt read them."""

import pytest

from domain.rules.go_number import check_go_number
from domain.rules.tokens import Invalid


@pytest.mark.parametrize("text", [
    "0", "00", "-0", "+0", "017", "0_7", "0o17", "0O1_7", "0b1", "0B_1", "0x1F", "0X_1f", "1_000",
    "18446744073709551615", "0xFFFFFFFFFFFFFFFF", "9223372036854775807", "+9223372036854775807",
    "-9223372036854775808", "-0x8000000000000000",
    "1.5", ".5", "5.", "089.5", "08e1", "1e+3", "1E-3", "1_0.5_0", "0x1p4", "0x.8p1", "0X1.8P-1", "0x_1p4",
    "1.7976931348623157e308", "-1.7976931348623157e308", "1e-400", "0x1p-2000",
    "1i", "017i", "1.5e3i", "0x1p4i", "1_0i", "-1i",
    "1+2i", "-1-2i", "+1+.5i", "1e+3+2i", "0x1p-2+1i", "0X1P-2-1i", "1_0+2_0i", "017+1i", "1+0x1p1i",
])
def test_a_number_go_reads(text):
    check_go_number(text)


@pytest.mark.parametrize("text, message", [
    ("18446744073709551616", "'18446744073709551616' is too large for a 64-bit integer"),
    ("0x10000000000000000", "'0x10000000000000000' is too large for a 64-bit integer"),
    ("+18446744073709551615", "'+18446744073709551615' is too large for a 64-bit integer"),
    ("+9223372036854775808", "'+9223372036854775808' is too large for a 64-bit integer"),
    ("-9223372036854775809", "'-9223372036854775809' is too large for a 64-bit integer"),
    ("-0x8000000000000001", "'-0x8000000000000001' is too large for a 64-bit integer"),
    ("089", "'089' is not a number: a leading 0 makes it octal"),
    ("0_8", "'0_8' is not a number: a leading 0 makes it octal"),
    ("1.7976931348623159e308", "'1.7976931348623159e308' is too large for a 64-bit float"),
    ("-1e400", "'-1e400' is too large for a 64-bit float"),
    ("0x1p1024", "'0x1p1024' is too large for a 64-bit float"),
    ("1e400i", "'1e400i' is too large for a 64-bit float"),
    ("1e400+1i", "'1e400+1i' is too large for a 64-bit float"),
    ("1-0x1p1024i", "'1-0x1p1024i' is too large for a 64-bit float"),
    ("0x1i", "'0x1i' is not a number"),
    ("0o7i", "'0o7i' is not a number"),
    ("0b1i", "'0b1i' is not a number"),
    ("0x1.8", "'0x1.8' is not a number"),
    ("0x10+1i", "'0x10+1i' is not a number"),
    ("0b1+1i", "'0b1+1i' is not a number"),
    ("1+i", "'1+i' is not a number"),
    ("1+2", "'1+2' is not a number"),
    ("1i+2i", "'1i+2i' is not a number"),
    ("1__0", "'1__0' is not a number"),
    ("1_", "'1_' is not a number"),
    ("_1", "'_1' is not a number"),
    ("1e", "'1e' is not a number"),
    ("1p4", "'1p4' is not a number"),
    ("0b2", "'0b2' is not a number"),
    ("-", "'-' is not a number"),
])
def test_a_number_go_refuses_is_named(text, message):
    with pytest.raises(Invalid) as caught:
        check_go_number(text)
    assert str(caught.value) == message
