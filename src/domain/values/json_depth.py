"""How deep JSON text nests, counted before any parser sees it. Pure.

Python's ``json`` module recurses once per ``[``/``{``: a deep enough document exhausts the
stack (RecursionError) or, below the recursion limit, costs time for nothing. Every reader of
untrusted JSON (charm options, relation data) bounds the nesting first with this one pass.
"""


def json_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in ``text``, outside JSON strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
