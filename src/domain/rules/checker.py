"""``parse_rule_file``: the bounds of a whole rule file around the schema reader. Pure."""

from domain.errors import RuleError
from domain.rules.features import Gate
from domain.rules.model import MAX_RULE_FILE_BYTES, RuleFile
from domain.rules.reader import Reader
from domain.rules.render import render_rule_file
from domain.rules.yaml_tree import EXPANDS, compose
from domain.values.version import Version


def parse_rule_file(text: str, version: Version) -> RuleFile:
    """Read and check rule-file YAML for Prometheus ``version`` (the image's, e.g. (2, 53, 0));
    raise RuleError naming the first problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_RULE_FILE_BYTES:
        raise RuleError(f"the rule file is {size} bytes, over the 1 MiB a configmap can hold")
    if not text.strip():
        return RuleFile(groups=())
    try:
        root = compose(text)
        rule_file = Reader(Gate(version)).rule_file(root) if root is not None else RuleFile(groups=())
    except RecursionError:
        raise RuleError("the rule file nests lists, mappings or parentheses too deeply") from None
    if len(render_rule_file(rule_file).encode("utf-8")) > MAX_RULE_FILE_BYTES:
        raise RuleError(EXPANDS)
    return rule_file
