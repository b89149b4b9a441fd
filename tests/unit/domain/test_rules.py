"""parse_rule_file accepts what Prometheus loads, names the first problem, and renders losslessly.

VALID and INVALID are also the inputs of tests/e2e/test_rules_promtool.py, which checks every
row against the real ``promtool check rules``: an INVALID row marked PROMETHEUS must be refused
by promtool too, and one marked POLICY (this module is stricter than Prometheus 2.42) accepted.
"""

import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.duration import Duration
from domain.errors import RuleError
from domain.rules import MAX_RULE_FILE_BYTES, Rule, RuleFile, RuleGroup, parse_rule_file, render_rule_file

PROMETHEUS = "prometheus"  # promtool 2.42 refuses it too
POLICY = "policy"  # promtool 2.42 accepts it; refused here on purpose (stricter, or Prometheus 3)


def rules_yaml(*rules: object, group: str = "node", **group_keys: object) -> str:
    """A one-group rule file written by PyYAML, so values keep their YAML types (1 stays int)."""
    return yaml.safe_dump(
        {"groups": [{"name": group, **group_keys, "rules": list(rules)}]}, sort_keys=False, allow_unicode=True
    )


def alert(expr: str = "up == 0", **keys: object) -> str:
    return rules_yaml({"alert": "HostDown", "expr": expr, **keys})


def annotated(template: str) -> str:
    return alert(annotations={"summary": template})


TYPICAL = """\
groups:
- name: node
  interval: 30s
  limit: 100
  rules:
  - alert: HostDown
    expr: up{job="node"} == 0
    for: 5m
    keep_firing_for: 10m
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} is down"
      description: |
        {{ $labels.instance }} of {{ $labels.job }} has been down for 5 minutes.
        Value: {{ $value | humanize }}
  - record: job:up:sum
    expr: sum by (job) (up)
    labels:
      team: infra
- name: apiserver
  rules:
  - record: job:request_errors:ratio_rate5m
    expr: |
      sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))  # errors ( [
      /
      sum by (job) (rate(http_requests_total[5m]))
"""
NULL_FIELDS = (
    "groups:\n- name: n\n  interval:\n  limit:\n  rules:\n  - alert: A\n    expr: up\n"
    "    for:\n    keep_firing_for: ~\n    labels:\n    annotations:\n"
)
ALIASES = (
    "groups:\n- name: n\n  rules:\n  - alert: A\n    expr: up\n    labels: &common {team: infra}\n"
    "  - alert: B\n    expr: up\n    labels: *common\n"
)

VALID = [
    pytest.param("", id="empty"),
    pytest.param("  \n \n", id="whitespace"),
    pytest.param("# rules come later\n", id="only-a-comment"),
    pytest.param("groups: []\n", id="no-groups"),
    pytest.param("---\ngroups:\n- name: empty\n  rules: []\n", id="document-marker-and-empty-group"),
    pytest.param(TYPICAL, id="typical-file"),
    pytest.param(rules_yaml({"record": "one", "expr": 1}), id="expr-given-as-a-yaml-int"),
    pytest.param(rules_yaml({"record": "half", "expr": 0.5}), id="expr-given-as-a-yaml-float"),
    pytest.param(alert(labels={"severity": 1, "paged": True}), id="label-values-given-as-yaml-scalars"),
    pytest.param(rules_yaml({"alert": "Host down! (node)", "expr": "up == 0"}), id="alert-name-with-spaces"),
    pytest.param(rules_yaml({"alert": "Überlast ⚠", "expr": "up == 0"}), id="alert-name-in-unicode"),
    pytest.param(alert(labels={"team": "équipe 🚀"}, annotations={"d": "naïve\n\tindented"}), id="unicode-text"),
    pytest.param(alert(labels={"severity": ""}), id="empty-label-value"),
    pytest.param(alert(**{"for": "0"}), id="bare-zero-duration"),
    pytest.param(alert(**{"for": "1h30m", "keep_firing_for": "500ms"}), id="compound-durations"),
    pytest.param(rules_yaml({"record": "r", "expr": "up"}, interval="0s", limit=0), id="zero-interval-and-limit"),
    pytest.param(NULL_FIELDS, id="null-optional-fields"),
    pytest.param(ALIASES, id="yaml-anchor-and-alias"),
    pytest.param(alert('up{job=~"api\\\\.example", env!="dev", zone!~`eu-.*`,}'), id="matchers-and-escapes"),
    pytest.param(alert('up{name="\\x41\\u00e9\\101\\U0001F600\\"\\a\\t"}'), id="all-escape-kinds"),
    pytest.param(alert("up{name='it\\'s'}"), id="single-quoted-string"),
    pytest.param(alert("max_over_time(rate(x[5m])[30m:1m] offset 1h) > 0"), id="subquery-and-offset"),
    pytest.param(alert("up @ start() > 0 and up @ end() > 0"), id="at-modifier"),
    pytest.param(alert("SUM BY (job) (up) > bool 0"), id="uppercase-keywords"),
    pytest.param(alert("x * on (job) group_left (team) y unless z or w atan2 v"), id="binary-keywords"),
    pytest.param(alert("count_values(\"v\", up) > 0 and topk(3, up) > 0"), id="aggregations"),
    pytest.param(
        alert('label_replace(up, "host", "$1", "instance", "(.*):.*") and histogram_quantile(0.9, x) > 1'),
        id="functions",
    ),
    pytest.param(alert("-Inf < bool NaN + 0x1F - 1e3 * .5 ^ 2 % 3"), id="numbers"),
    pytest.param(alert('label_replace(up, "a", `raw\nstring`, "b", "(.*)")'), id="raw-string-over-two-lines"),
    pytest.param(alert("up # a comment with ( [ { ' \" and `"), id="comment-with-brackets-and-quotes"),
    pytest.param(
        annotated(
            "{{ range $i, $s := query \"up\" }}{{ if gt $i 0 }}, {{ else }}first {{ end }}"
            "{{ $s.Labels.job }}={{ $s.Value | printf \"%.2f\" }}{{ if eq $i 9 }}{{ break }}{{ end }}{{ end }}"
        ),
        id="template-range-if-else-break",
    ),
    pytest.param(
        annotated(
            '{{- /* a comment */ -}}{{ $host := reReplaceAll ":.*" "" $labels.instance }}'
            "{{ with $host }}{{ . | toUpper }}{{ end }} {{ $.Labels.job }} {{ $externalLabels.cluster }} "
            "{{ $externalURL }} {{ humanizeDuration 3600.5 }} {{ 'x' }} {{ `raw \\d` }} {{ -1 }} {{ nil }}"
        ),
        id="template-variables-functions-literals",
    ),
    pytest.param(annotated('{{ define "t" }}{{ $ }}{{ end }}{{ template "t" . }}'), id="template-define"),
    pytest.param(alert(labels={"severity": "{{ if gt $value 10.0 }}page{{ else }}ticket{{ end }}"}),
                 id="templated-label-value"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "labels": {"note": "{{ not a template"}}),
                 id="recording-rule-labels-are-not-templates"),
    pytest.param(annotated("}} and { are plain text"), id="closing-braces-are-text"),
]

INVALID = [
    # yaml and shape
    pytest.param("groups: [\n", ("not valid yaml", "line 2"), PROMETHEUS, id="not-yaml"),
    pytest.param("groups:\n\t- name: a\n", ("not valid yaml", "line 2 column 1"), PROMETHEUS, id="tab-indent"),
    pytest.param("- name: a\n  rules: []\n", ("mapping with a 'groups' list",), PROMETHEUS, id="top-level-list"),
    pytest.param("hello\n", ("mapping with a 'groups' list",), PROMETHEUS, id="top-level-text"),
    pytest.param("{}\n", ("no 'groups' list",), POLICY, id="no-groups-key"),
    pytest.param("groups:\n", ("no 'groups' list",), POLICY, id="null-groups"),
    pytest.param("groups:\n  name: a\n", ("'groups' must be a list",), PROMETHEUS, id="groups-is-a-mapping"),
    pytest.param("groups: []\nrules: []\n", ("unknown key 'rules'",), PROMETHEUS, id="unknown-top-key"),
    pytest.param("groups: []\n---\ngroups: []\n", ("several yaml documents",), POLICY, id="two-documents"),
    pytest.param("groups: []\n\x01\n", ("line 2 column 1", "\\x01"), PROMETHEUS, id="control-character-in-yaml"),
    pytest.param(
        "groups:\n- name: a\n  rules:\n  - alert: A\n    alert: B\n    expr: up\n",
        ("group 'a' rule 1", "key 'alert' appears twice"), PROMETHEUS, id="repeated-key",
    ),
    pytest.param(
        "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      <<: {x: y}\n",
        ("group 'a' rule 1 (alert 'A')", "merge keys"), POLICY, id="merge-key",
    ),
    pytest.param(
        "groups:\n- name: a\n  rules:\n  - alert: !custom A\n    expr: up\n",
        ("group 'a' rule 1", "'alert'", "tag '!custom'"), POLICY, id="custom-tag",
    ),
    pytest.param("[" * 5000 + "]" * 5000, ("nests", "too deeply"), PROMETHEUS, id="deep-nesting"),
    pytest.param(
        "# " + "x" * MAX_RULE_FILE_BYTES + "\ngroups: []\n", ("over the 1 MiB",), POLICY, id="over-1-mib"),
    pytest.param(
        "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    annotations: &big {d: " + "x" * 400_000
        + "}\n" + "".join(f"  - alert: A{n}\n    expr: up\n    annotations: *big\n" for n in range(3)),
        ("past 1 MiB", "aliases"), POLICY, id="aliases-expand-past-1-mib",
    ),
    # groups
    pytest.param("groups:\n- rules: []\n", ("group 1 has no 'name'",), PROMETHEUS, id="group-without-name"),
    pytest.param("groups:\n- name: ''\n  rules: []\n", ("group 1 has no 'name'",), PROMETHEUS, id="empty-group-name"),
    pytest.param(
        "groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n", ("group 'a' appears twice",), PROMETHEUS,
        id="repeated-group-name",
    ),
    pytest.param(
        "groups:\n- name: \"a\\x01\"\n  rules: []\n", ("group 'a\\x01'", "control character"), POLICY,
        id="control-character-in-group-name",
    ),
    pytest.param("groups:\n- name: [a]\n  rules: []\n", ("group 1: 'name'", "single value"), PROMETHEUS,
                 id="group-name-is-a-list"),
    pytest.param(rules_yaml(summary="x"), ("group 'node'", "unknown key 'summary'"), PROMETHEUS,
                 id="unknown-group-key"),
    pytest.param(rules_yaml(query_offset="1m"), ("group 'node'", "unknown key 'query_offset'"), PROMETHEUS,
                 id="group-key-prometheus-2-42-lacks"),
    pytest.param(rules_yaml(interval="1 minute"), ("group 'node'", "'interval' value '1 minute'"), PROMETHEUS,
                 id="interval-not-a-duration"),
    pytest.param(rules_yaml(interval="30m1h"), ("group 'node'", "'interval' value '30m1h'"), PROMETHEUS,
                 id="interval-units-out-of-order"),
    pytest.param(rules_yaml(limit="5"), ("group 'node'", "'limit' value '5'"), PROMETHEUS, id="quoted-limit"),
    pytest.param(rules_yaml(limit=-1), ("group 'node'", "'limit' value '-1'"), POLICY, id="negative-limit"),
    pytest.param(rules_yaml(limit=1.5), ("group 'node'", "'limit' value '1.5'"), POLICY, id="fractional-limit"),
    pytest.param("groups:\n- name: a\n", ("group 'a' has no 'rules' list",), POLICY, id="group-without-rules"),
    pytest.param("groups:\n- name: a\n  rules: {}\n", ("group 'a': 'rules' must be a list",), PROMETHEUS,
                 id="rules-is-a-mapping"),
    pytest.param("groups:\n- name: a\n  rules:\n  -\n", ("group 'a' rule 1 must be a mapping",), POLICY,
                 id="null-rule"),
    pytest.param("groups:\n- name: a\n  rules:\n  - [up]\n", ("group 'a' rule 1 must be a mapping",), PROMETHEUS,
                 id="rule-is-a-list"),
    # rule kinds and names
    pytest.param(alert(summary="x"), ("group 'node' rule 1", "unknown key 'summary'"), PROMETHEUS,
                 id="unknown-rule-key"),
    pytest.param(rules_yaml({"alert": "A", "record": "b", "expr": "up"}), ("group 'node' rule 1", "both"),
                 PROMETHEUS, id="alert-and-record"),
    pytest.param(rules_yaml({"alert": "A", "record": "", "expr": "up"}), ("group 'node' rule 1", "both"),
                 POLICY, id="alert-and-empty-record"),
    pytest.param(rules_yaml({"expr": "up"}), ("group 'node' rule 1", "neither"), PROMETHEUS,
                 id="neither-alert-nor-record"),
    pytest.param(rules_yaml({"alert": "", "expr": "up"}), ("group 'node' rule 1", "'alert' is empty"),
                 PROMETHEUS, id="empty-alert-name"),
    pytest.param(rules_yaml({"alert": None, "expr": "up"}), ("group 'node' rule 1", "'alert' is empty"),
                 POLICY, id="null-alert-name"),
    pytest.param(rules_yaml({"alert": "Host\nDown", "expr": "up"}), ("rule 1 (alert 'Host\\nDown')", "control"),
                 POLICY, id="newline-in-alert-name"),
    pytest.param(rules_yaml({"record": "job-up", "expr": "up"}), ("rule 1 (record 'job-up')", "metric name"),
                 PROMETHEUS, id="record-name-with-dash"),
    pytest.param(rules_yaml({"record": "1up", "expr": "up"}), ("rule 1 (record '1up')", "metric name"),
                 PROMETHEUS, id="record-name-starting-with-digit"),
    pytest.param(rules_yaml({"record": "up{job='a'}", "expr": "up"}), ("(record 'up{job='a'}')", "metric name"),
                 PROMETHEUS, id="record-name-with-selector"),
    # fields allowed on alerts only
    pytest.param(rules_yaml({"record": "r", "expr": "up", "for": "5m"}), ("(record 'r')", "'for' is only"),
                 PROMETHEUS, id="for-on-recording-rule"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "for": "0s"}), ("(record 'r')", "'for' is only"),
                 POLICY, id="zero-for-on-recording-rule"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "keep_firing_for": "5m"}),
                 ("(record 'r')", "'keep_firing_for' is only"), PROMETHEUS, id="keep-firing-for-on-recording-rule"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "annotations": {"a": "b"}}),
                 ("(record 'r')", "'annotations' is only"), PROMETHEUS, id="annotations-on-recording-rule"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "annotations": {}}),
                 ("(record 'r')", "'annotations' is only"), POLICY, id="empty-annotations-on-recording-rule"),
    # durations
    pytest.param(alert(**{"for": "5 minutes"}),
                 ("group 'node' rule 1 (alert 'HostDown'): 'for' value '5 minutes' is not a duration",),
                 PROMETHEUS, id="for-in-words"),
    pytest.param(alert(**{"for": 5}), ("(alert 'HostDown'): 'for' value '5'",), PROMETHEUS, id="for-without-unit"),
    pytest.param(alert(**{"for": "1.5m"}), ("(alert 'HostDown'): 'for' value '1.5m'",), PROMETHEUS,
                 id="fractional-for"),
    pytest.param(alert(keep_firing_for="soon"), ("(alert 'HostDown'): 'keep_firing_for' value 'soon'",),
                 PROMETHEUS, id="keep-firing-for-in-words"),
    # labels and annotations
    pytest.param(alert(labels={"1a": "x"}), ("(alert 'HostDown')", "label name '1a'"), PROMETHEUS,
                 id="label-name-starting-with-digit"),
    pytest.param(alert(labels={"team-name": "x"}), ("(alert 'HostDown')", "label name 'team-name'"), PROMETHEUS,
                 id="label-name-with-dash"),
    pytest.param(alert(labels={"__name__": "x"}), ("(alert 'HostDown')", "label '__name__'"), PROMETHEUS,
                 id="metric-name-label"),
    pytest.param(alert(labels={"__meta": "x"}), ("(alert 'HostDown')", "label '__meta'", "reserves"), POLICY,
                 id="reserved-label-name"),
    pytest.param(alert(labels={"severity": "pa\x01ge"}), ("(alert 'HostDown')", "label 'severity'", "\\x01"),
                 POLICY, id="control-character-in-label-value"),
    pytest.param(alert(labels={"severity": "pa\tge"}), ("label 'severity'", "\\t"), POLICY,
                 id="tab-in-label-value"),
    pytest.param(alert(labels={"severity": None}), ("(alert 'HostDown')", "label 'severity' has no value"),
                 POLICY, id="null-label-value"),
    pytest.param(alert(labels={"severity": ["page"]}), ("(alert 'HostDown')", "label 'severity'", "single value"),
                 PROMETHEUS, id="list-label-value"),
    pytest.param(alert(labels=["severity"]), ("(alert 'HostDown'): 'labels' must be a mapping",), PROMETHEUS,
                 id="labels-is-a-list"),
    pytest.param(alert(annotations={"run book": "x"}), ("(alert 'HostDown')", "annotation name 'run book'"),
                 PROMETHEUS, id="annotation-name-with-space"),
    pytest.param(alert(annotations={"d": "a\x07b"}), ("(alert 'HostDown')", "annotation 'd'", "\\x07"), POLICY,
                 id="control-character-in-annotation"),
    pytest.param(
        'groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: {x: "\\ud800"}\n',
        ("group 'a' rule 1 (alert 'A')", "label 'x'", "surrogate"), PROMETHEUS, id="lone-surrogate",
    ),
    # expr
    pytest.param(alert(None), ("(alert 'HostDown'): 'expr' is missing or empty",), POLICY, id="null-expr"),
    pytest.param(rules_yaml({"alert": "HostDown"}), ("(alert 'HostDown'): 'expr' is missing",), PROMETHEUS,
                 id="missing-expr"),
    pytest.param(alert(""), ("(alert 'HostDown'): 'expr' is missing or empty",), PROMETHEUS, id="empty-expr"),
    pytest.param(alert("  # nothing\n"), ("(alert 'HostDown'): 'expr' holds only comments",), PROMETHEUS,
                 id="comment-only-expr"),
    pytest.param(alert(["up"]), ("(alert 'HostDown'): 'expr' must be a single value",), PROMETHEUS,
                 id="expr-is-a-list"),
    pytest.param(alert("sum(rate(x[5m])"), ("'expr' has an unclosed '(' at column 4",), PROMETHEUS,
                 id="unclosed-paren"),
    pytest.param(alert("sum(x))"), ("'expr' has a ')' at column 7 that closes nothing",), PROMETHEUS,
                 id="extra-paren"),
    pytest.param(alert('up{job="a"'), ("'expr' has an unclosed '{' at column 3",), PROMETHEUS, id="unclosed-brace"),
    pytest.param(alert("rate(x[5m"), ("'expr'", "'['"), PROMETHEUS, id="unclosed-bracket"),
    pytest.param(alert("rate(x[5m)]"), ("'expr'", "[...]"), PROMETHEUS, id="crossed-brackets"),
    pytest.param(alert("x}"), ("'expr' has a '}' at column 2 that closes nothing",), PROMETHEUS,
                 id="extra-brace"),
    pytest.param(alert('up{job="api}'), ("'expr' has an unterminated string at column 8",), PROMETHEUS,
                 id="unterminated-string"),
    pytest.param(alert("`up"), ("'expr' has an unterminated string at column 1",), PROMETHEUS,
                 id="unterminated-raw-string"),
    pytest.param(alert('up{job="a\nb"}'), ("'expr' has an unterminated string at line 1 column 8",), PROMETHEUS,
                 id="newline-in-string"),
    pytest.param(alert('up{job=~"a\\.b"}'), ("'expr' has the unknown escape '\\.' at column 11",), PROMETHEUS,
                 id="regex-escape-needs-two-backslashes"),
    pytest.param(alert("up{job='a\\\"b'}"), ("'expr' has the unknown escape '\\\"'",), PROMETHEUS,
                 id="double-quote-escaped-in-single-quotes"),
    pytest.param(alert('up{job="\\xZZ"}'), ("'expr' has an invalid escape '\\xZZ'",), PROMETHEUS,
                 id="bad-hex-escape"),
    pytest.param(alert('up{job="\\uD800"}'), ("'expr' has an invalid escape '\\uD800'",), PROMETHEUS,
                 id="surrogate-escape"),
    pytest.param(alert('up{job="\\777"}'), ("'expr' has an invalid escape '\\777'",), PROMETHEUS,
                 id="octal-escape-over-255"),
    pytest.param(alert("up && up"), ("'expr' has & at column 4",), PROMETHEUS, id="ampersand"),
    pytest.param(alert("up | up"), ("'expr' has | at column 4",), PROMETHEUS, id="pipe"),
    pytest.param(alert("up;"), ("'expr' has ; at column 3",), PROMETHEUS, id="semicolon"),
    pytest.param(alert("up\u00a0> 0"), ("'expr' has \\xa0 at column 3",), PROMETHEUS, id="non-breaking-space"),
    pytest.param(alert("upé"), ("'expr' has é at column 3",), PROMETHEUS, id="non-ascii-metric-name"),
    pytest.param(alert("up ~ 1"), ("'expr' has ~ at column 4",), PROMETHEUS, id="lone-tilde"),
    pytest.param(alert("up !~ up"), ("'expr' has '!~' at column 4",), PROMETHEUS, id="regex-match-outside-braces"),
    pytest.param(alert('up{job{="a"}}'), ("'expr' has { at column 7 inside {...}",), PROMETHEUS,
                 id="brace-inside-braces"),
    pytest.param(alert('up{1a="x"}'), ("'expr' has 1 at column 4 inside {...}",), PROMETHEUS,
                 id="label-name-starting-with-digit-in-selector"),
    pytest.param(alert('up{a:b="x"}'), ("'expr' has : at column 5 inside {...}",), PROMETHEUS,
                 id="colon-in-matcher"),
    pytest.param(alert("up[300]"), ("'expr' has [300] at column 3", "no unit"), PROMETHEUS,
                 id="range-without-unit"),
    pytest.param(alert("up[0s]"), ("'expr' has [0s]", "longer than 0"), PROMETHEUS, id="zero-range"),
    pytest.param(alert("up[5m:0s]"), ("'expr' has [5m:0s]", "longer than 0"), PROMETHEUS, id="zero-step"),
    pytest.param(alert("up[1.5m]"), ("'expr' has . at column 5 inside [...]",), PROMETHEUS,
                 id="fractional-range"),
    pytest.param(alert("up[5m1h]"), ("'expr' has [5m1h]", "not a duration"), PROMETHEUS, id="range-units-reversed"),
    pytest.param(alert("up[5m:1m:1m]"), ("'expr' has [5m:1m:1m]",), PROMETHEUS, id="range-with-two-colons"),
    pytest.param(alert("up[]"), ("'expr' has []",), PROMETHEUS, id="empty-range"),
    pytest.param(alert('up["5m"]'), ("'expr' has \" at column 4 inside [...]",), PROMETHEUS,
                 id="string-in-range"),
    pytest.param(alert("RATE(up[5m])"), ("'expr' calls 'RATE' at column 1",), PROMETHEUS,
                 id="function-in-capitals"),
    pytest.param(alert("sum(rates(up[5m]))"), ("'expr' calls 'rates' at column 5",), PROMETHEUS,
                 id="unknown-function"),
    pytest.param(alert("job:up:sum (up)"), ("'expr' calls 'job:up:sum'",), PROMETHEUS,
                 id="metric-name-called-as-function"),
    pytest.param(alert("holt_winters(x[10m], 0.5, 0.5)"), ("'expr' calls holt_winters", "Prometheus 3"),
                 POLICY, id="function-prometheus-3-removed"),
    pytest.param(alert("up == 0 or\n  sum(up"), ("'expr' has an unclosed '(' at line 2 column 6",),
                 PROMETHEUS, id="position-on-second-line"),
    # templates (alert labels and annotations)
    pytest.param(annotated("{{ $labels.instance"), ("annotation 'summary' has a template error", "no closing }}"),
                 PROMETHEUS, id="template-unclosed-action"),
    pytest.param(annotated("{{ $labels.instance }"), ("annotation 'summary' has a template error", "} is not"),
                 PROMETHEUS, id="template-half-closed-action"),
    pytest.param(annotated("{{ $label.instance }}"), ("undefined variable $label", "$labels"), PROMETHEUS,
                 id="template-undefined-variable"),
    pytest.param(annotated("{{ $value | humanise }}"), ("function 'humanise' is not defined",), PROMETHEUS,
                 id="template-unknown-function"),
    pytest.param(annotated("{{ if gt $value 1.0 }}high"), ("{{if}} has no {{end}}",), PROMETHEUS,
                 id="template-if-without-end"),
    pytest.param(annotated("done{{ end }}"), ("{{end}} closes nothing",), PROMETHEUS, id="template-stray-end"),
    pytest.param(annotated("{{ else }}"), ("{{else}} is not inside",), PROMETHEUS, id="template-stray-else"),
    pytest.param(annotated("{{ if 1 }}a{{ else }}b{{ else }}c{{ end }}"), ("comes twice",), PROMETHEUS,
                 id="template-two-elses"),
    pytest.param(annotated("{{ with 1 }}a{{ else with 2 }}b{{ end }}"), ("after {{else}}",), PROMETHEUS,
                 id="template-else-with-is-newer-than-go-1-19"),
    pytest.param(annotated("{{ if 1 }}{{ break }}{{ end }}"), ("{{break}} is not inside {{range}}",), PROMETHEUS,
                 id="template-break-outside-range"),
    pytest.param(annotated("{{ range $labels }}{{ else }}{{ continue }}{{ end }}"),
                 ("{{continue}} is not inside {{range}}",), PROMETHEUS, id="template-continue-in-range-else"),
    pytest.param(annotated("{{ if 1 }}{{ $a := 1 }}{{ end }}{{ $a }}"), ("undefined variable $a",), PROMETHEUS,
                 id="template-variable-out-of-scope"),
    pytest.param(annotated('{{ define "t" }}{{ $labels }}{{ end }}'), ("undefined variable $labels",), PROMETHEUS,
                 id="template-define-sees-no-outer-variables"),
    pytest.param(annotated('{{ if 1 }}{{ define "t" }}x{{ end }}{{ end }}'), ("{{define}}",), PROMETHEUS,
                 id="template-nested-define"),
    pytest.param(annotated("{{ template t }}"), ("needs a quoted template name",), PROMETHEUS,
                 id="template-unquoted-name"),
    pytest.param(annotated("{{ if }}x{{ end }}"), ("{{if}} is missing a value",), PROMETHEUS,
                 id="template-if-without-condition"),
    pytest.param(annotated("{{ }}"), ("is missing a value",), PROMETHEUS, id="template-empty-action"),
    pytest.param(annotated("{{ /* a */ }}"), ("/ is not allowed",), PROMETHEUS,
                 id="template-comment-not-at-delimiter"),
    pytest.param(annotated("{{/* a */ }}"), ("comment must end right before }}",), PROMETHEUS,
                 id="template-comment-space-before-delimiter"),
    pytest.param(annotated("{{/* a }}"), ("comment */}} is not closed",), PROMETHEUS,
                 id="template-unclosed-comment"),
    pytest.param(annotated('{{ "\\d" }}'), ("unknown escape '\\d'",), PROMETHEUS, id="template-bad-string-escape"),
    pytest.param(annotated('{{ "open }}'), ("unterminated string",), PROMETHEUS, id="template-unterminated-string"),
    pytest.param(annotated("{{ 'ab' }}"), ("'ab' is not a single character",), PROMETHEUS,
                 id="template-long-character"),
    pytest.param(annotated("{{ 1abc }}"), ("'1abc' is not a number",), PROMETHEUS, id="template-bad-number"),
    pytest.param(annotated("{{ 1e }}"), ("'1e' is not a number",), PROMETHEUS, id="template-bad-exponent"),
    pytest.param(annotated("{{ 1-}}"), ("'-' is not a number",), PROMETHEUS, id="template-trim-marker-needs-space"),
    pytest.param(annotated("{{ $labels. }}"), ("'$labels.' is not a field access",), PROMETHEUS,
                 id="template-dot-without-field"),
    pytest.param(annotated('{{ "a".x }}'), ("'\"a\".x' is not a field access",), PROMETHEUS,
                 id="template-field-of-a-string"),
    pytest.param(annotated("{{ $labels.team-name }}"), ("- cannot follow '.team'",), PROMETHEUS,
                 id="template-dash-in-field"),
    pytest.param(annotated("{{ (1 }}"), ("a '(' is not closed",), PROMETHEUS, id="template-unclosed-paren"),
    pytest.param(annotated("{{ 1) }}"), ("a ')' closes nothing",), PROMETHEUS, id="template-extra-paren"),
    pytest.param(annotated("{{ ( ) }}"), ("(...) is missing a value",), PROMETHEUS, id="template-empty-parens"),
    pytest.param(annotated("{{ | toUpper }}"), ("'|' has no command",), PROMETHEUS, id="template-leading-pipe"),
    pytest.param(annotated('{{ "a" | }}'), ("'|' has no command",), POLICY, id="template-trailing-pipe"),
    pytest.param(annotated("{{ $a, $b := 1 }}"), ("declares too many variables",), PROMETHEUS,
                 id="template-two-variables-outside-range"),
    pytest.param(annotated("{{ $b = 2 }}"), ("$b is assigned before it is declared",), POLICY,
                 id="template-assignment-to-undeclared-variable"),
    pytest.param(annotated("{{ ™ }}"), ("™ is not allowed",), PROMETHEUS, id="template-symbol"),
    pytest.param(annotated("{{ @ }}"), ("@ is not allowed",), PROMETHEUS, id="template-at-sign"),
    pytest.param(annotated("{{ 1 if }}"), ("unexpected 'if'",), PROMETHEUS, id="template-keyword-as-argument"),
    pytest.param(alert(labels={"severity": "{{ $labels.severity"}),
                 ("(alert 'HostDown'): label 'severity' has a template error",), PROMETHEUS,
                 id="template-in-alert-label"),
]


@pytest.mark.parametrize("text", VALID)
def test_valid_rule_file_parses(text):
    rule_file = parse_rule_file(text)

    assert isinstance(rule_file, RuleFile)


@pytest.mark.parametrize("text", VALID)
def test_rendered_rule_file_parses_back_to_the_same_value(text):
    rule_file = parse_rule_file(text)

    again = parse_rule_file(render_rule_file(rule_file))

    assert again == rule_file


@pytest.mark.parametrize("text, fragments, kind", INVALID)
def test_invalid_rule_file_is_refused_with_a_message_naming_the_place(text, fragments, kind):
    with pytest.raises(RuleError) as caught:
        parse_rule_file(text)

    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    assert "\n" not in message
    assert message == message.strip()


def test_the_example_of_the_brief_reads_as_promised():
    text = rules_yaml(
        {"alert": "Up", "expr": "up"}, {"alert": "HostDown", "expr": "up == 0", "for": "5 minutes"}
    )

    with pytest.raises(RuleError) as caught:
        parse_rule_file(text)

    assert str(caught.value) == (
        "group 'node' rule 2 (alert 'HostDown'): 'for' value '5 minutes' is not a duration such as "
        "30s, 1h30m or 500ms"
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "# nothing yet\n"])
def test_blank_text_gives_no_groups(text):
    assert parse_rule_file(text) == RuleFile(groups=())


def test_a_typical_file_becomes_typed_values():
    text = TYPICAL

    rule_file = parse_rule_file(text)

    node, apiserver = rule_file.groups
    host_down, job_up = node.rules
    assert (node.name, node.interval, node.limit) == ("node", Duration.parse("30s"), 100)
    assert (host_down.alert, host_down.record, host_down.name) == ("HostDown", None, "HostDown")
    assert host_down.expr == 'up{job="node"} == 0'
    assert (host_down.for_, host_down.keep_firing_for) == (Duration.parse("5m"), Duration.parse("10m"))
    assert host_down.labels == (("severity", "page"),)
    assert host_down.annotations[1][1].endswith("Value: {{ $value | humanize }}\n")
    assert (job_up.alert, job_up.record, job_up.labels) == (None, "job:up:sum", (("team", "infra"),))
    assert apiserver.interval is None
    assert apiserver.limit is None
    assert apiserver.rules[0].expr.startswith("sum by (job)")


def test_yaml_scalars_keep_the_text_prometheus_reads():
    text = rules_yaml({"alert": "A", "expr": 1.50, "labels": {"n": 1.0, "flag": True, "z": "007"}})

    rule = parse_rule_file(text).groups[0].rules[0]

    assert rule.expr == "1.5"
    assert rule.labels == (("n", "1.0"), ("flag", "true"), ("z", "007"))


def test_yaml_text_is_kept_as_written_not_as_python_reads_it():
    text = "groups:\n- name: n\n  rules:\n  - record: r\n    expr: 0x1F\n    labels: {a: 1:30, b: yes, c: 1e3}\n"

    rule = parse_rule_file(text).groups[0].rules[0]

    assert rule.expr == "0x1F"
    assert rule.labels == (("a", "1:30"), ("b", "yes"), ("c", "1e3"))


def test_aliases_are_expanded():
    text = ALIASES

    first, second = parse_rule_file(text).groups[0].rules

    assert first.labels == second.labels == (("team", "infra"),)


def test_null_optional_fields_are_absent():
    rule_file = parse_rule_file(NULL_FIELDS)

    group = rule_file.groups[0]
    assert (group.interval, group.limit) == (None, None)
    assert group.rules[0] == Rule(expr="up", alert="A")


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


def test_a_file_just_under_the_limit_is_accepted():
    text = "# " + "x" * (MAX_RULE_FILE_BYTES - 20) + "\ngroups: []\n"

    assert parse_rule_file(text) == RuleFile(groups=())


# --- properties ---------------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="{"), max_size=30)
_DURATION = st.one_of(st.just("0"), st.from_regex(r"[1-9][0-9]{0,2}(ms|s|m|h|d|w)", fullmatch=True),
                      st.sampled_from(["1y", "1h30m", "1d12h", "2w3d", "1m30s500ms"]))
_EXPR = st.sampled_from(
    ["up", "up == 0", "sum by (job) (rate(x_total[5m])) > 0.5", "1", 'up{job=~"a\\\\.b"}',
     "max_over_time(x[1h:5m])\n  # comment (\n  > 1", 'label_join(up, "a", `,\n`, "b")', "-1e3"]
)
_LABEL_NAME = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,10}", fullmatch=True)
_LABELS = st.dictionaries(_LABEL_NAME, _TEXT, max_size=3).map(lambda d: tuple(d.items()))
_ANNOTATION = st.lists(_TEXT | st.sampled_from(["\n", "\t", " \n", "\n\n", "  "]), max_size=4).map("".join)
_ANNOTATIONS = st.dictionaries(_LABEL_NAME, _ANNOTATION, max_size=3).map(lambda d: tuple(d.items()))
_ALERT = st.builds(
    Rule, expr=_EXPR, alert=_TEXT.filter(bool), for_=st.none() | _DURATION.map(Duration.parse),
    keep_firing_for=st.none() | _DURATION.map(Duration.parse), labels=_LABELS, annotations=_ANNOTATIONS,
)
_RECORD = st.builds(
    Rule, expr=_EXPR, record=st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,15}", fullmatch=True), labels=_LABELS
)
_GROUPS = st.lists(
    st.tuples(
        st.none() | _DURATION.map(Duration.parse), st.none() | st.integers(0, 10_000),
        st.lists(_ALERT | _RECORD, max_size=4).map(tuple),
    ),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(groups=_GROUPS, names=st.lists(_TEXT.filter(bool), min_size=3, max_size=3, unique=True))
def test_rendering_never_loses_or_changes_a_rule(groups, names):
    rule_file = RuleFile(tuple(RuleGroup(name, *group) for name, group in zip(names, groups)))

    again = parse_rule_file(render_rule_file(rule_file))

    assert again == rule_file


_ANY_TEXT = st.text(st.sampled_from(string.printable + "{}[]()$|\"'`\\#.-é\u00a0"), max_size=60)


@settings(max_examples=200, deadline=None)
@given(expr=_ANY_TEXT, template=_ANY_TEXT)
def test_any_expression_or_template_gives_a_value_or_a_rule_error(expr, template):
    text = alert(expr, annotations={"summary": template})

    try:
        parse_rule_file(text)
    except RuleError as err:
        assert "\n" not in str(err)


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from(string.printable + "é-:[]{}&*!|>'\"%@`"), max_size=200))
def test_any_text_gives_a_value_or_a_rule_error(text):
    try:
        parse_rule_file(text)
    except RuleError as err:
        assert "\n" not in str(err)
