"""The YAML layer of a rule file, as Prometheus' YAML reader refuses it (one document, no merge
keys, no custom tags, no duplicate keys), with the exact message and place."""

import pytest

from domain.errors import RuleError
from domain.rules import parse_rule_file
from domain.values.version import NEWEST


def refusal(text: str) -> str:
    with pytest.raises(RuleError) as caught:
        parse_rule_file(text, NEWEST)
    return str(caught.value)


@pytest.mark.parametrize("text, message", [
    ("groups: []\n---\ngroups: []\n",
     "the rule file holds several yaml documents (---); use one 'groups' list"),
    ("groups: []\n\x01\n", "the rule file is not valid yaml: line 2 column 1: \\x01 is not allowed"),
    ("groups:\n  a\x01\n", "the rule file is not valid yaml: line 2 column 4: \\x01 is not allowed"),
    ("groups: !!set {}\n", "'groups' must be a list"),
    ("groups:\n- name: !custom a\n  rules: []\n", "group 1: 'name' has the yaml tag '!custom', which is not supported"),
    ("groups:\n- name: a\n  name: b\n  rules: []\n", "group 1: key 'name' appears twice"),
    ("groups:\n- <<: {name: a}\n  rules: []\n",
     "group 1: yaml merge keys (<<) are not supported; write the keys out"),
    ("groups:\n- ~: a\n  rules: []\n", "group 1: a key is empty"),
    ("groups:\n- [a]: a\n  rules: []\n", "group 1: a key must be a single value, not a list or mapping"),
    ("groups:\n- name: \"a\\x01\"\n  rules: []\n", "group 'a\\x01': its name holds the control character \\x01"),
])
def test_yaml_prometheus_refuses_is_named_exactly(text, message):
    assert refusal(text) == message


@pytest.mark.parametrize("text", [
    "groups:\n- name: a\n  interval: !!str 1m\n  limit: !!int 1\n  rules: []\n",
    "groups:\n- name: a\n  rules: []\n",
    "groups:\n- name: &n a\n  rules: []\n- name: b\n  labels: {x: *n}\n  rules: []\n",
])
def test_yaml_with_standard_tags_and_aliases_is_read(text):
    assert parse_rule_file(text, NEWEST).groups



@pytest.mark.parametrize("text, place", [("groups: [\n", "line 2 column 1: "), ("a: b: c\n", "line 1 column 5: ")])
def test_broken_yaml_is_named_with_its_line_and_column(text, place):
    assert refusal(text).startswith(f"the rule file is not valid yaml: {place}")
