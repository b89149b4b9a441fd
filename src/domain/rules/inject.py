"""Scoping one rule to a topology: matchers put into every vector selector, and the templates
that would read outside it found. Pure.

A provider charm's library writes ``%%juju_topology%%`` where it wants its topology matchers
and removes it, with a comma after it, before injecting them itself (canonical/cos-lib
``charms/prometheus_k8s/v0/prometheus_scrape.py``, ``AlertRules._from_file``); this module
does the same on what arrives. ``inject_matchers`` then adds each ``name="value"`` a selector
lacks, in front of its own matchers, and leaves a selector that already holds exactly these
(as ``cos-tool`` writes them) as it is, so scoping twice changes nothing. Matchers are ANDed,
so added ones can only narrow a selector; one that matches a topology label in any other way
(another value, ``!=``, ``=~``, ``!~``) is refused rather than overridden: it was written for
other series, and its rule is dropped with that reason.
"""

import re
from typing import List, Set, Tuple

from domain.rules.go_lexer import GO_SPACE, template_tokens
from domain.rules.model import MAX_RULE_FILE_BYTES, Pairs
from domain.rules.selectors import find_selectors
from domain.rules.tokens import Invalid, show

_PLACEHOLDER = re.compile(r"%%juju_topology%%,?")


def remove_placeholder(expr: str) -> str:
    """``expr`` without the ``%%juju_topology%%`` placeholders (and one comma after each)."""
    return _PLACEHOLDER.sub("", expr)


def quote(value: str) -> str:
    """A PromQL double-quoted string holding ``value``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def inject_matchers(expr: str, wanted: Pairs) -> str:
    """``expr`` with every pair of ``wanted`` as a ``name="value"`` matcher of every vector
    selector; ``Invalid`` when a selector matches one of these names otherwise, or when the
    expression cannot be read to the end."""
    values = dict(wanted)
    inserts: List[Tuple[int, str]] = []
    for selector in find_selectors(expr):
        present: Set[str] = set()
        for matcher in selector.matchers:
            if matcher.name not in values:
                continue
            if matcher.op != "=" or matcher.value != values[matcher.name]:
                raise Invalid(f"matches {matcher.name}{matcher.op}{show(quote(matcher.value))}, outside this "
                              f"relation's own {matcher.name} {quote(values[matcher.name])}")
            present.add(matcher.name)
        added = ",".join(f"{name}={quote(value)}" for name, value in wanted if name not in present)
        if not added:
            continue
        if selector.brace >= 0:
            inserts.append((selector.brace + 1, added + ("," if selector.matchers else "")))
        else:
            inserts.append((selector.name_end, "{" + added + "}"))
    size = len(expr.encode("utf-8", "surrogatepass")) + sum(len(text) for _, text in inserts)
    if size > MAX_RULE_FILE_BYTES:
        raise Invalid(f"would be {size} bytes once scoped, over the {MAX_RULE_FILE_BYTES} a rule file may have")
    parts: List[str] = []
    last = 0
    for position, text in inserts:  # in the order of the selectors, left to right
        parts.extend((expr[last:position], text))
        last = position
    return "".join(parts) + expr[last:]


def template_functions(text: str) -> Set[str]:
    """The functions the Go template ``text`` calls (already checked by ``check_template``)."""
    called: Set[str] = set()
    index = text.find("{{")
    while index >= 0:
        index += 2
        if text[index : index + 1] == "-" and text[index + 1 : index + 2] in GO_SPACE:
            index += 2
        if text.startswith("/*", index):
            index = text.find("}}", text.find("*/", index + 2)) + 2
        else:
            tokens, index = template_tokens(text, index)
            called.update(token for kind, token, _ in tokens if kind == "function")
        index = text.find("{{", index) if index >= 2 else -1
    return called
