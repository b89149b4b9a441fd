"""render_rule_file writes what parse_rule_file reads back unchanged, in Prometheus' key order."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import RuleError
from domain.rules import Rule, RuleFile, RuleGroup, parse_rule_file, render_rule_file
from domain.values.duration import Duration
from domain.values.version import NEWEST
from tests.unit.domain.rules.cases import RULE_FILES, alert


def test_render_writes_keys_in_prometheus_order_and_multi_line_text_as_blocks():
    rule_file = RuleFile(groups=(
        RuleGroup(name="node", interval=Duration.parse("1m"), limit=5, rules=(
            Rule(expr="up\n== 0\n", alert="HostDown", for_=Duration.parse("5m"),
                 labels=(("severity", "page"), ("code", "1")), annotations=(("summary", "down"),)),
            Rule(expr="sum(up)", record="job:up:sum"),
        )),
    ))

    text = render_rule_file(rule_file)

    assert text == (
        "groups:\n"
        "- name: node\n"
        "  interval: 1m\n"
        "  limit: 5\n"
        "  rules:\n"
        "  - alert: HostDown\n"
        "    expr: |\n"
        "      up\n"
        "      == 0\n"
        "    for: 5m\n"
        "    labels:\n"
        "      severity: page\n"
        "      code: '1'\n"
        "    annotations:\n"
        "      summary: down\n"
        "  - record: job:up:sum\n"
        "    expr: sum(up)\n"
    )


def test_render_of_no_groups_is_an_empty_list():
    assert render_rule_file(RuleFile(groups=())) == "groups: []\n"


def test_a_long_expression_stays_on_one_line():
    expr = " + ".join(f"metric_number_{n}" for n in range(40))
    rule_file = RuleFile(groups=(RuleGroup("g", None, None, (Rule(expr=expr, record="r"),)),))

    text = render_rule_file(rule_file)

    assert f"expr: {expr}\n" in text


@settings(deadline=None)
@given(rule_file=RULE_FILES)
def test_rendering_never_loses_or_changes_a_rule(rule_file):
    again = parse_rule_file(render_rule_file(rule_file), NEWEST)

    assert again == rule_file


_PIECES = st.text(st.sampled_from(string.printable + "{}[]()$|\"'`\\#.-é\u00a0"), max_size=60)


@settings(deadline=None)
@given(expr=_PIECES, template=_PIECES)
def test_any_expression_or_template_gives_a_value_or_a_one_line_rule_error(expr, template):
    text = alert(expr, annotations={"summary": template})

    try:
        parse_rule_file(text, NEWEST)
    except RuleError as err:
        assert "\n" not in str(err)


@settings(deadline=None)
@given(text=st.text(st.sampled_from(string.printable + "é-:[]{}&*!|>'\"%@`"), max_size=200))
def test_any_text_gives_a_value_or_a_one_line_rule_error(text):
    try:
        parse_rule_file(text, NEWEST)
    except RuleError as err:
        assert "\n" not in str(err)
