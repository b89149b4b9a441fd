"""Tokens PromQL and Go templates share: strings, escapes, positions. Pure: no I/O."""



class Invalid(Exception):
    """A problem inside one expression or template; the caller says where that is."""


def show(value: str, limit: int = 60) -> str:
    """Text fit for a one-line message: control characters escaped, long text cut."""
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."



def at(text: str, index: int) -> str:
    column = index - text.rfind("\n", 0, index)
    line = text.count("\n", 0, index) + 1
    return f"at line {line} column {column}" if "\n" in text else f"at column {column}"


_ESCAPE_DIGITS = {"x": (2, 16, 0xFF), "u": (4, 16, 0x10FFFF), "U": (8, 16, 0x10FFFF)}


def skip_string(text: str, start: int) -> int:
    """The index past the string opening at ``start``: PromQL and Go read them alike."""
    quote, index = text[start], start + 1
    while index < len(text):
        char = text[index]
        if char == quote:
            return index + 1
        if quote != "`" and char == "\n":
            break
        index = skip_escape(text, index, quote) if quote != "`" and char == "\\" else index + 1
    raise Invalid(f"has an unterminated string {at(text, start)}")


def skip_escape(text: str, index: int, quote: str) -> int:
    """The index past the escape at ``index``: \\n-style, the quote, or octal/\\x/\\u/\\U digits."""
    kind = text[index + 1 : index + 2]
    if kind and (kind in "abfnrtv\\" or kind == quote):
        return index + 2
    if kind and kind in "01234567":
        (count, base, limit), first = (3, 8, 0xFF), index + 1
    elif kind in _ESCAPE_DIGITS:
        (count, base, limit), first = _ESCAPE_DIGITS[kind], index + 2
    else:
        raise Invalid(f"has the unknown escape '\\{show(kind)}' {at(text, index)} (a backslash is '\\\\')")
    digits = text[first : first + count]
    try:
        value = int(digits, base) if len(digits) == count and digits.isascii() and digits.isalnum() else -1
    except ValueError:
        value = -1
    if not 0 <= value <= limit or 0xD800 <= value <= 0xDFFF:
        raise Invalid(f"has an invalid escape '{show(text[index:first + count])}' {at(text, index)}")
    return first + count
