"""The YAML layer of a rule file, as Prometheus' YAML reader refuses it (one document, no merge
keys, no custom tags, no duplicate keys), with the exact message and place."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import RuleError
from domain.rules import parse_rule_file, yaml_tree
from domain.rules.model import MAX_RULE_FILE_BYTES, MAX_YAML_DEPTH
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
    ("groups:\n- name: a\n  rules: [\x01]\n",
     "the rule file is not valid yaml: line 3 column 11: \\x01 is not allowed"),
    ("groups: []\n\n# a \ud800\n", "the rule file is not valid yaml: line 3 column 5: \\ud800 is not allowed"),
    ("groups:\n- name: a\n  rules: ['\udfff']\n",
     "the rule file is not valid yaml: line 3 column 12: \\udfff is not allowed"),
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


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
def test_the_problem_is_worded_by_libyaml_where_pyyaml_has_it():
    # its parser reads the events that bound the nesting too, not PyYAML's slower own
    assert refusal("a: b: c\n") == (
        "the rule file is not valid yaml: line 1 column 5: mapping values are not allowed in this context")
    assert refusal("groups: *rules\n") == "the rule file is not valid yaml: line 1 column 9: found undefined alias"


# Nesting is bounded before PyYAML composes: its composer recurses once per level (libyaml's on
# the C stack, where 50,000 levels end the process with SIGSEGV, out of reach of any except).
OPENERS = {"flow list": "[", "flow mapping": "{", "flow key": "{a: ", "block list": "- ", "complex key": "? "}
LOADERS = pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "python"])


@LOADERS
@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS.keys())
@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 50_000])
def test_nesting_past_the_bound_is_refused_before_it_is_composed(opener, depth, loader, monkeypatch):
    monkeypatch.setattr(yaml_tree, "_LOADER", loader)
    column = MAX_YAML_DEPTH * len(opener) + 1

    assert refusal(opener * depth) == (
        f"the rule file nests lists and mappings more than 64 deep at line 1 column {column}; "
        "a rule file needs 6 at most")


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS.keys())
def test_nesting_up_to_the_bound_reaches_the_reader(opener):
    message = refusal(opener * MAX_YAML_DEPTH)

    assert "deep" not in message, message


def test_indented_mappings_are_counted_line_by_line():
    text = "".join(" " * n + "a:\n" for n in range(1000))

    assert refusal(text).endswith("more than 64 deep at line 65 column 65; a rule file needs 6 at most")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["[", "{", "{a: ", "[{a: ", "{a: [", "[[", "{? "]), min_size=65, max_size=3000))
def test_any_mix_of_flow_openers_past_the_bound_is_refused(openers):
    assert "more than 64 deep" in refusal("".join(openers))


def test_an_alias_is_one_leaf_whatever_it_names():
    # 50 levels under the labels (6 deep) named, then named again 50 levels down: 106 deep in
    # the value, 56 in the text
    text = "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: {x: " + (
        "&deep " + "[" * 50 + "]" * 50 + ", y: " + "[" * 50 + "*deep" + "]" * 50 + "}\n")

    assert refusal(text) == "group 'a' rule 1 (alert 'A'): label 'x' must be a single value, not a list or mapping"


@pytest.mark.parametrize("text, message", [
    ("groups: &g [*g]\n", "group 1 must be a mapping of keys to values"),
    ("groups:\n- &g {name: a, rules: [*g]}\n",
     "group 'a' rule 1: unknown key 'name' (known: alert, record, expr, for, keep_firing_for, labels, annotations)"),
    ("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: &l {x: *l}\n",
     "group 'a' rule 1 (alert 'A'): label 'x' must be a single value, not a list or mapping"),
])
def test_an_alias_to_its_own_collection_is_read_along_the_schema_only(text, message):
    assert refusal(text) == message


# Aliases let a small file name the same big value many times; the reader stops once it has read
# twice the largest file (a file without aliases reads at most its own length), so an alias
# blow-up is refused while it is read, not after.
def test_reading_stops_where_aliases_expand_past_the_budget():
    big = "x" * 100_000
    text = ("groups:\n- name: a\n  rules:\n  - &r\n    alert: A\n    expr: up\n    annotations: {d: " + big + "}\n"
            + "  - *r\n" * 30 + "  - alert: B\n    expr: up)\n")

    assert refusal(text) == yaml_tree.EXPANDS
    assert "closes nothing" in refusal(text.replace("  - *r\n" * 30, ""))


def test_the_budget_is_twice_the_largest_rule_file_to_the_character():
    reader = yaml_tree.NodeReader()
    reader.spend(2 * MAX_RULE_FILE_BYTES)

    with pytest.raises(RuleError) as caught:
        reader.spend(1)
    assert str(caught.value) == yaml_tree.EXPANDS


@LOADERS
def test_a_closed_list_gives_back_its_level(loader, monkeypatch):
    monkeypatch.setattr(yaml_tree, "_LOADER", loader)

    assert "deep" not in refusal("[" * 63 + "[], [" + "]" * 64)
    assert refusal("[" * 63 + "[], [[") == (
        "the rule file nests lists and mappings more than 64 deep at line 1 column 69; a rule file needs 6 at most")


def test_a_long_yaml_problem_is_cut_at_120_characters(monkeypatch):
    # PyYAML's own parser quotes an undefined alias's name in the problem (libyaml does not)
    monkeypatch.setattr(yaml_tree, "_LOADER", yaml.SafeLoader)
    problem = "found undefined alias '" + "a" * 200 + "'"

    assert refusal("groups: *" + "a" * 200 + "\n") == (
        f"the rule file is not valid yaml: line 1 column 9: {problem[:117]}...")


def loader_raising(error: Exception) -> type:
    """A YAML loader whose parser fails at once with ``error``: what PyYAML keeps for other inputs
    (an error without a place or problem, a character given as text, a YAMLError of no kind)."""
    class Failing(yaml.SafeLoader):
        def check_event(self, *choices):
            raise error
    return Failing


@pytest.mark.parametrize("error, message", [
    (yaml.MarkedYAMLError(), "it cannot be read"),
    (yaml.reader.ReaderError("rules", 3, "\x85", "utf-8", "special characters are not allowed"),
     "line 1 column 4: \\x85 is not allowed"),
    (yaml.YAMLError("the parser stopped: " + "x" * 200), "the parser stopped: " + "x" * 97 + "..."),
])
def test_any_yaml_error_ends_in_a_message_not_a_crash(error, message, monkeypatch):
    monkeypatch.setattr(yaml_tree, "_LOADER", loader_raising(error))

    assert refusal("groups: []\n") == f"the rule file is not valid yaml: {message}"


def test_a_value_read_costs_its_characters_and_one_for_the_separator_it_needs():
    # so a file without aliases spends at most its own length, and only aliases run out
    reader = yaml_tree.NodeReader()
    node = yaml.compose("[abc, '', x]", Loader=yaml.SafeLoader)

    reader.sequence(node, "a list")
    assert [reader.text(value, "a value") for value in node.value] == ["abc", "", "x"]
    assert 2 * MAX_RULE_FILE_BYTES - reader.budget == 3 + 4 + 1 + 2 <= len("[abc, '', x]")


def test_a_surrogate_escape_pyyaml_decodes_is_refused_by_name(monkeypatch):
    # libyaml refuses "\ud800" as it parses; PyYAML's own parser decodes it to a lone surrogate
    monkeypatch.setattr(yaml_tree, "_LOADER", yaml.SafeLoader)

    assert refusal('groups:\n- name: "a\\ud800"\n  rules: []\n') == (
        "group 1: 'name' holds a lone surrogate (an invalid \\u escape)")
