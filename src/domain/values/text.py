"""The one definition of text the charm may put in a flag, a label value or YAML. Pure.

Refused everywhere: C0 controls, DEL, C1 controls and the Unicode line and paragraph
separators (U+2028, U+2029), which YAML and many log viewers take as line breaks. Where
layout is allowed (rule files, annotations), newline and tab may stay.
"""

import re
from typing import Optional

_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_IN_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def forbidden_character(text: str, layout: bool = False) -> Optional[str]:
    """The first character ``text`` must not hold, or None; ``layout`` lets newline and tab pass."""
    found = (_IN_LAYOUT if layout else _IN_LINE).search(text)
    return found.group() if found else None
