"""The one definition of text the charm may put in a flag, a label value or YAML. Pure.

Refused: C0 controls and DEL. Where layout is allowed, newline and tab may stay.
"""

import re
from typing import Optional

_IN_LINE = re.compile("[\x00-\x1f\x7f]")
_IN_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def forbidden_character(text: str, layout: bool = False) -> Optional[str]:
    """The first character ``text`` must not hold, or None; ``layout`` lets newline and tab pass."""
    found = (_IN_LAYOUT if layout else _IN_LINE).search(text)
    return found.group() if found else None
