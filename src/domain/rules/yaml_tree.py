"""The YAML node tree of a rule file, and the checks every node shares. Pure: no I/O.

Nodes are read, not constructed, so aliases are shared, scalars keep the text Go reads, and a
budget stops an alias blow-up before it is expanded. Nesting is bounded before any node is
built: libyaml's parser keeps its own stack, but PyYAML's composer (C or Python) recurses once per
level, and tens of thousands of ``[`` would end the process on the C stack (SIGSEGV), where no
Python exception can be caught.
"""

import re
from typing import Dict, List, Optional, Tuple

import yaml

from domain.errors import RuleError
from domain.rules.model import MAX_RULE_FILE_BYTES, MAX_YAML_DEPTH
from domain.rules.tokens import show
from domain.values.text import forbidden_character

TAG = "tag:yaml.org,2002:"
_SCALARTAGS = frozenset(TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value"))
_SURROGATE = re.compile("[\ud800-\udfff]")
EXPANDS = "the rule file grows past 1 MiB once its yaml aliases are expanded"

# libyaml's C parser when PyYAML has it (its wheels do): same YAML, ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def refuse_deep(text: str) -> None:
    """Refuse lists and mappings nested past MAX_YAML_DEPTH, flow (``[[``, ``{a: {``) or block
    (``- - -``, indented keys) alike, reading the parser's events: it builds no node and keeps
    no stack of its own, and it stops at the first level too deep. An alias is one event, a
    leaf: what it names was counted where it was written, and the composer shares it."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                raise RuleError(
                    f"the rule file nests lists and mappings more than {MAX_YAML_DEPTH} deep at line "
                    f"{mark.line + 1} column {mark.column + 1}; a rule file needs 6 at most")
        elif isinstance(event, _CLOSE):
            depth -= 1


def _place(text: str, index: int) -> str:
    """Where ``text[index]`` stands, as YAML's own messages say it (from 1)."""
    before = text[:index]
    line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
    return f"line {line} column {column}"


def compose(text: str) -> Optional[yaml.Node]:
    """The YAML node tree (aliases shared, not copied), or None for a file of comments."""
    problem = "the rule file is not valid yaml: "
    # A lone surrogate cannot be written as UTF-8: promtool (2.42, 3.x) reads "invalid Unicode
    # character" wherever it stands; libyaml's loader would raise UnicodeEncodeError on it.
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise RuleError(f"{problem}{_place(text, surrogate.start())}: {show(surrogate.group())} is not allowed")
    try:
        refuse_deep(text)
        documents = yaml.compose_all(text, Loader=_LOADER)
        root = next(documents, None)
        if root is not None and next(documents, None) is not None:
            raise RuleError("the rule file holds several yaml documents (---); use one 'groups' list")
    except yaml.MarkedYAMLError as err:
        mark, what = err.problem_mark, show(err.problem or "it cannot be read", 120)
        where = "" if mark is None else f"line {mark.line + 1} column {mark.column + 1}: "
        raise RuleError(f"{problem}{where}{what}") from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, such as \x01
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        raise RuleError(f"{problem}{_place(text, int(err.position))}: {show(char)} is not allowed") from None
    except yaml.YAMLError as err:
        raise RuleError(f"{problem}{show(str(err), 120)}") from None
    return root


class NodeReader:
    """Reads mappings, lists and scalars, spending a budget: a file without aliases spends at
    most its own length, so only aliases expanding past 1 MiB run out."""

    def __init__(self) -> None:
        self.budget = 2 * MAX_RULE_FILE_BYTES

    def mapping(self, node: yaml.Node, where: str) -> Dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise RuleError(f"{where} must be a mapping of keys to values")
        out: Dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            if key_node.tag == TAG + "merge":
                raise RuleError(f"{where}: yaml merge keys (<<) are not supported; write the keys out")
            key = self.text(key_node, f"{where}: a key")
            if key is None:
                raise RuleError(f"{where}: a key is empty")
            if key in out:
                raise RuleError(f"{where}: key '{show(key)}' appears twice")
            out[key] = value
        return out

    def sequence(self, node: yaml.Node, where: str) -> List[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise RuleError(f"{where} must be a list")
        self.spend(len(node.value))
        return list(node.value)

    def text(self, node: Optional[yaml.Node], where: str) -> Optional[str]:
        """A scalar's text as written (``1.50`` stays ``1.50``, as Go reads it); None for null."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            raise RuleError(f"{where} must be a single value, not a list or mapping")
        if node.tag not in _SCALARTAGS:
            raise RuleError(f"{where} has the yaml tag '{show(node.tag)}', which is not supported")
        value = str(node.value)
        self.spend(1 + len(value))
        if _SURROGATE.search(value):
            raise RuleError(f"{where} holds a lone surrogate (an invalid \\u escape)")
        return None if node.tag == TAG + "null" else value

    def spend(self, amount: int) -> None:
        self.budget -= amount
        if self.budget < 0:
            raise RuleError(EXPANDS)



def refuse_unknown(fields: Dict[str, yaml.Node], keys: Tuple[str, ...], where: str) -> None:
    for key in fields:
        if key not in keys:
            raise RuleError(f"{where}: unknown key '{show(key)}' (known: {', '.join(keys)})")


def hint(node: Optional[yaml.Node]) -> str:
    """A name to place a message by, before the name itself is checked."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) and not is_null(node) else ""


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == TAG + "null"


def refuse_control(value: str, where: str, what: str, layout: bool = False) -> None:
    found = forbidden_character(value, layout)
    if found:
        raise RuleError(f"{where}: {what} holds the control character {show(found)}")
