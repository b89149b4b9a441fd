"""The rule-file case table: VALID texts (valid for every version), INVALID texts with their message
and whose rule refuses them, VERSIONED texts valid from (or until) the release of a feature in
``domain.rules.features``, and RULE_FILES, a hypothesis strategy of valid rule files.

The unit tests run every row through ``parse_rule_file``; tests/e2e/test_rules_promtool.py runs
every row through the real ``promtool check rules`` of each Prometheus generation.
"""

import pytest
import yaml
from hypothesis import strategies as st

from domain.rules import MAX_RULE_FILE_BYTES, Rule, RuleFile, RuleGroup
from domain.values.duration import Duration

PROMETHEUS = "prometheus"  # Prometheus refuses it too, in every version the charm knows
POLICY = "policy"  # Prometheus 2.42 accepts it; refused here on purpose (stricter than Prometheus)


def rules_yaml(*rules: object, group: str = "node", **group_keys: object) -> str:
    """A one-group rule file written by PyYAML, so values keep their YAML types (1 stays an int)."""
    document = {"groups": [{"name": group, **group_keys, "rules": list(rules)}]}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def alert(expr: object = "up == 0", **keys: object) -> str:
    return rules_yaml({"alert": "HostDown", "expr": expr, **keys})


def raw_limit(limit: object) -> str:
    """A group whose ``limit`` is written as given (PyYAML cannot write an int of 5000 digits)."""
    return f"groups:\n- name: node\n  limit: {limit}\n  rules:\n  - alert: A\n    expr: up\n"


def annotated(template: str) -> str:
    return alert(annotations={"summary": template})


def refused(text: str, kind: str, *fragments: str, id: str):
    """An INVALID row: the text, what its message must contain, and whose rule refuses it."""
    return pytest.param(text, fragments, kind, id=id)


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
    pytest.param(rules_yaml({"alert": "Host down! (node)", "expr": "up"}), id="alert-name-with-spaces"),
    pytest.param(rules_yaml({"alert": "Überlast ⚠", "expr": "up"}), id="alert-name-in-unicode"),
    pytest.param(alert(labels={"team": "équipe 🚀"}, annotations={"d": "naïve\n\tindented"}), id="unicode"),
    pytest.param(alert(labels={"severity": ""}), id="empty-label-value"),
    pytest.param(alert(**{"for": "0"}), id="bare-zero-duration"),
    pytest.param(alert(**{"for": "1h30m", "keep_firing_for": "500ms"}), id="compound-durations"),
    pytest.param(rules_yaml({"record": "r", "expr": "up"}, interval="0s", limit=0), id="zero-interval-limit"),
    pytest.param(raw_limit(2**63 - 1), id="limit-at-go-int-max"),
    pytest.param(alert(**{"for": "9223372036854ms", "keep_firing_for": "0" * 40 + "1s"}),
                 id="longest-for-and-padded-duration"),
    pytest.param(rules_yaml({"record": "r", "expr": "up"}, interval="106751d23h47m16s854ms"),
                 id="longest-interval-in-every-unit"),
    pytest.param(NULL_FIELDS, id="null-optional-fields"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "for": None, "keep_firing_for": None, "annotations": None}),
                 id="null-alert-only-fields-on-recording-rule"),
    pytest.param(ALIASES, id="yaml-anchor-and-alias"),
    pytest.param(alert('up{job=~"api\\\\.example", env!="dev", zone!~`eu-.*`,}'), id="matchers-and-escapes"),
    pytest.param(alert('up{name="\\x41\\u00e9\\101\\U0001F600\\"\\a\\t"}'), id="all-escape-kinds"),
    pytest.param(alert("up{name='it\\'s'}"), id="single-quoted-string"),
    pytest.param(alert("max_over_time(rate(x[5m])[30m:1m] offset 1h) > 0"), id="subquery-and-offset"),
    pytest.param(alert("up @ start() > 0 and up @ end() > 0"), id="at-modifier"),
    pytest.param(alert("SUM BY (job) (up) > bool 0"), id="uppercase-keywords"),
    pytest.param(alert("x * on (job) group_left (team) y unless z or w atan2 v"), id="binary-keywords"),
    pytest.param(alert('count_values("v", up) > 0 and topk(3, up) > 0'), id="aggregations"),
    pytest.param(
        alert('label_replace(up, "host", "$1", "instance", "(.*):.*") and histogram_quantile(0.9, x) > 1'),
        id="functions",
    ),
    pytest.param(alert("-Inf < bool NaN + 0x1F - 1e3 * .5 ^ 2 % 3"), id="numbers"),
    pytest.param(alert('label_replace(up, "a", `raw\nstring`, "b", "(.*)")'), id="raw-string-on-two-lines"),
    pytest.param(alert("up # a comment with ( [ { ' \" and `"), id="comment-with-brackets-and-quotes"),
    pytest.param(
        annotated(
            '{{ range $i, $s := query "up" }}{{ if gt $i 0 }}, {{ else }}first {{ end }}'
            '{{ $s.Labels.job }}={{ $s.Value | printf "%.2f" }}{{ if eq $i 9 }}{{ break }}{{ end }}{{ end }}'
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
    pytest.param(annotated('{{ "say \\"hi\\"" }} {{ \'\\\'\' }} {{ \'\\n\' }}'), id="template-quotes"),
    pytest.param(annotated("{{ 1_000 }} {{ 0b1 }} {{ 0o7 }} {{ 017 }} {{ 0x_1F }} {{ 0x1p4 }} {{ 0x1.8p-1 }} {{ 1i }} "
                           "{{ 1e1_0 }} {{ .5 }}"), id="template-go-number-literals"),
    pytest.param(annotated("{{if.Labels}}{{value.Labels}}{{end}}"), id="template-fields-glued-to-words"),
    pytest.param(annotated('{{ define "t" }}{{ $ }}{{ end }}{{ template "t" . }}'), id="template-define"),
    pytest.param(annotated('{{ block "b" $labels }}{{ .job }}{{ end }}'), id="template-block"),
    pytest.param(annotated('{{ printf "%s: %s" (index $labels "job") ($value | humanize) }}'),
                 id="template-parentheses"),
    pytest.param(annotated("{{ if eq $value 1.0 }}one{{ else if gt $value 1.0 }}more{{ else }}less{{ end }}"),
                 id="template-else-if"),
    pytest.param(alert(labels={"severity": "{{ if gt $value 10.0 }}page{{ else }}ticket{{ end }}"}),
                 id="templated-label-value"),
    pytest.param(annotated('{{ ($x := 1) }}{{ $x }} {{ template "t" $y := 2 }}{{ $y }} {{ block "b" ($z := .) }}'
                           "{{ end }}{{ $z }} {{ 1 | ($w := 2) }}"), id="template-declarations-in-every-pipeline"),
    pytest.param(annotated("{{ range $i, $labels }}{{ $i }}{{ end }} {{ range $labels, $labels }}{{ end }}"),
                 id="template-range-declares-before-a-comma"),
    pytest.param(annotated("{{ $1a := 1 }}{{ $1a }} {{ $٣ := 3 }}{{ $٣ }} {{ .٣ }}"),
                 id="template-variables-with-digits"),
    pytest.param(annotated("{{ 1+2i }} {{ 0X1P-2-1i }} {{ 1e+3+.5i }} {{ 0x1p4i }} {{ 017i }} {{ 1_0-2_0i }}"),
                 id="template-complex-and-imaginary-numbers"),
    pytest.param(annotated("{{ 18446744073709551615 }} {{ -9223372036854775808 }} {{ +9223372036854775807 }} "
                           "{{ 0xFFFFFFFFFFFFFFFF }} {{ 0_7 }} {{ 089.5 }} {{ 1.7976931348623157e308 }} {{ 1e-400 }}"),
                 id="template-numbers-at-their-limits"),
    pytest.param(rules_yaml({"record": "r", "expr": "up", "labels": {"note": "{{ not a template"}}),
                 id="recording-rule-labels-are-not-templates"),
    pytest.param(annotated("}} and { are plain text"), id="closing-braces-are-text"),
]

INVALID = [
    # yaml and shape
    refused("groups: [\n", PROMETHEUS, "not valid yaml", "line 2", id="not-yaml"),
    refused("groups:\n\t- name: a\n", PROMETHEUS, "not valid yaml: line 2 column 1", id="tab-indent"),
    refused("- name: a\n  rules: []\n", PROMETHEUS, "mapping with a 'groups' list", id="top-level-list"),
    refused("hello\n", PROMETHEUS, "mapping with a 'groups' list", id="top-level-text"),
    refused("{}\n", POLICY, "no 'groups' list", id="no-groups-key"),
    refused("groups:\n", POLICY, "no 'groups' list", id="null-groups"),
    refused("groups:\n  name: a\n", PROMETHEUS, "'groups' must be a list", id="groups-is-a-mapping"),
    refused("groups: []\nrules: []\n", PROMETHEUS, "unknown key 'rules'", id="unknown-top-key"),
    refused("groups: []\n---\ngroups: []\n", POLICY, "several yaml documents", id="two-documents"),
    refused("groups: []\n\x01\n", PROMETHEUS, "line 2 column 1", "\\x01", id="control-character-in-yaml"),
    refused("groups:\n- name: a\n  rules:\n  - alert: A\n    alert: B\n    expr: up\n", PROMETHEUS,
            "group 'a' rule 1", "key 'alert' appears twice", id="repeated-key"),
    refused("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      <<: {x: y}\n", POLICY,
            "group 'a' rule 1 (alert 'A')", "merge keys", id="merge-key"),
    refused("groups:\n- name: a\n  rules:\n  - alert: !custom A\n    expr: up\n", POLICY,
            "group 'a' rule 1", "'alert'", "tag '!custom'", id="custom-tag"),
    # nesting is counted on the parser's events before any node is built (the composer recurses)
    refused("[" * 5000 + "]" * 5000, PROMETHEUS, "more than 64 deep at line 1 column 65", id="deep-nesting"),
    refused("{" * 50_000, PROMETHEUS, "more than 64 deep at line 1 column 65", id="deep-flow-mappings-unclosed"),
    refused("- " * 50_000, PROMETHEUS, "more than 64 deep at line 1 column 129", id="deep-block-lists"),
    refused("".join(" " * n + "a:\n" for n in range(1000)), PROMETHEUS, "more than 64 deep at line 65 column 65",
            id="deep-block-mappings"),
    refused(alert(labels={"x": "@"}).replace("'@'", "[" * 50_000), PROMETHEUS, "more than 64 deep at line 7",
            id="deep-nesting-in-a-label-value"),
    refused("# " + "x" * MAX_RULE_FILE_BYTES + "\ngroups: []\n", POLICY, "over the 1 MiB", id="over-1-mib"),
    refused(
        "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    annotations: &big {d: " + "x" * 400_000
        + "}\n" + "".join(f"  - alert: A{n}\n    expr: up\n    annotations: *big\n" for n in range(3)),
        POLICY, "past 1 MiB", "aliases", id="aliases-render-past-1-mib",
    ),
    refused(
        "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    annotations: &big {d: " + "x" * 100_000
        + "}\n" + "".join(f"  - alert: A{n}\n    expr: up\n    annotations: *big\n" for n in range(25)),
        POLICY, "past 1 MiB", "aliases", id="aliases-expand-past-the-reading-budget",
    ),
    # groups
    refused("groups:\n- rules: []\n", PROMETHEUS, "group 1 has no 'name'", id="group-without-name"),
    refused("groups:\n- name: ''\n  rules: []\n", PROMETHEUS, "group 1 has no 'name'", id="empty-group-name"),
    refused("groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n", PROMETHEUS,
            "group 'a' appears twice", id="repeated-group-name"),
    refused('groups:\n- name: "a\\x01"\n  rules: []\n', POLICY, "group 'a\\x01'", "control character",
            id="control-character-in-group-name"),
    refused("groups:\n- name: [a]\n  rules: []\n", PROMETHEUS, "group 1: 'name'", "single value",
            id="group-name-is-a-list"),
    refused(rules_yaml(summary="x"), PROMETHEUS, "group 'node': unknown key 'summary'", id="unknown-group-key"),
    refused(rules_yaml(interval="1 minute"), PROMETHEUS, "group 'node': 'interval' value '1 minute'",
            id="interval-in-words"),
    refused(rules_yaml(interval="30m1h"), PROMETHEUS, "group 'node': 'interval' value '30m1h'",
            id="interval-units-out-of-order"),
    refused(rules_yaml(limit="5"), PROMETHEUS, "group 'node': 'limit' value '5'", id="quoted-limit"),
    refused(rules_yaml(limit=-1), POLICY, "group 'node': 'limit' value '-1'", id="negative-limit"),
    refused(rules_yaml(limit=1.5), POLICY, "group 'node': 'limit' value '1.5'", id="fractional-limit"),
    # bounds of numbers: a Go int for 'limit', int64 nanoseconds for durations; digits are
    # counted before Python reads them (it refuses more than 4300 digits with a ValueError)
    refused(raw_limit(2**63), PROMETHEUS, "'limit' value '9223372036854775808' (19 digits) is over", id="limit-2-63"),
    refused(raw_limit(2**64), PROMETHEUS, "'limit' value '18446744073709551616' (20 digits)", id="limit-2-64"),
    refused(raw_limit("9" * 5000), PROMETHEUS, "'limit' value '9999", "(5000 digits) is over", id="limit-5000-digits"),
    refused(raw_limit("0009"), POLICY, "'limit' value '0009' is not a whole number", id="limit-padded-with-zeros"),
    refused(raw_limit("0x10"), POLICY, "'limit' value '0x10' is not a whole number", id="limit-in-hex"),
    refused(alert(**{"for": "9" * 5000 + "s"}), PROMETHEUS, "'for' value '9999", "has 5001 characters",
            id="for-5000-digits"),
    refused(alert(**{"keep_firing_for": "9" * 5000 + "s"}), PROMETHEUS, "'keep_firing_for' value '9999",
            "has 5001 characters", id="keep-firing-for-5000-digits"),
    refused(rules_yaml(interval="9" * 5000 + "s"), PROMETHEUS, "'interval' value '9999", "has 5001 characters",
            id="interval-5000-digits"),
    refused(rules_yaml(query_offset="9" * 5000 + "s"), PROMETHEUS, "group 'node'", "'query_offset'",
            id="query-offset-5000-digits"),
    refused(alert(**{"for": "0" * 5000 + "1s"}), POLICY, "'for' value '0000", "has 5002 characters",
            id="for-padded-with-5000-zeros"),
    refused(alert(**{"for": "9223372036855ms"}), PROMETHEUS, "'for' value '9223372036855ms' is longer",
            id="for-past-int64-nanoseconds"),
    refused(rules_yaml(interval="106751d23h47m16s855ms"), PROMETHEUS, "'interval' value '106751d23h47m16s855ms'",
            id="interval-past-int64-nanoseconds"),
    refused("groups:\n- name: a\n", POLICY, "group 'a' has no 'rules' list", id="group-without-rules"),
    refused("groups:\n- name: a\n  rules: {}\n", PROMETHEUS, "group 'a': 'rules' must be a list",
            id="rules-is-a-mapping"),
    refused("groups:\n- name: a\n  rules:\n  -\n", POLICY, "group 'a' rule 1 must be a mapping", id="null-rule"),
    refused("groups:\n- name: a\n  rules:\n  - [up]\n", PROMETHEUS, "group 'a' rule 1 must be a mapping",
            id="rule-is-a-list"),
    # rule kinds and names
    refused(alert(summary="x"), PROMETHEUS, "group 'node' rule 1 (alert 'HostDown'): unknown key 'summary'",
            id="unknown-rule-key"),
    refused(rules_yaml({"alert": "A", "record": "b", "expr": "up"}), PROMETHEUS, "group 'node' rule 1 has both",
            id="alert-and-record"),
    refused(rules_yaml({"alert": "A", "record": "", "expr": "up"}), POLICY, "group 'node' rule 1 has both",
            id="alert-and-empty-record"),
    refused(rules_yaml({"expr": "up"}), PROMETHEUS, "group 'node' rule 1 has neither", id="no-alert-no-record"),
    refused(rules_yaml({"alert": "", "expr": "up"}), PROMETHEUS, "group 'node' rule 1: 'alert' is empty",
            id="empty-alert-name"),
    refused(rules_yaml({"alert": None, "expr": "up"}), POLICY, "group 'node' rule 1: 'alert' is empty",
            id="null-alert-name"),
    refused(rules_yaml({"alert": "Host\nDown", "expr": "up"}), POLICY, "rule 1 (alert 'Host\\nDown')", "control",
            id="newline-in-alert-name"),
    refused(rules_yaml({"record": "up{job='a'}", "expr": "up"}), PROMETHEUS, "(record 'up{job='a'}')",
            "metric name", id="record-name-with-selector"),
    # fields allowed on alerts only
    refused(rules_yaml({"record": "r", "expr": "up", "for": "5m"}), PROMETHEUS, "(record 'r'): 'for' is only",
            id="for-on-recording-rule"),
    refused(rules_yaml({"record": "r", "expr": "up", "for": "0s"}), POLICY, "(record 'r'): 'for' is only",
            id="zero-for-on-recording-rule"),
    refused(rules_yaml({"record": "r", "expr": "up", "keep_firing_for": "5m"}), PROMETHEUS,
            "(record 'r'): 'keep_firing_for' is only", id="keep-firing-for-on-recording-rule"),
    refused(rules_yaml({"record": "r", "expr": "up", "annotations": {"a": "b"}}), PROMETHEUS,
            "(record 'r'): 'annotations' is only", id="annotations-on-recording-rule"),
    refused(rules_yaml({"record": "r", "expr": "up", "annotations": {}}), POLICY,
            "(record 'r'): 'annotations' is only", id="empty-annotations-on-recording-rule"),
    # durations
    refused(alert(**{"for": "5 minutes"}), PROMETHEUS,
            "group 'node' rule 1 (alert 'HostDown'): 'for' value '5 minutes' is not a duration", id="for-in-words"),
    refused(alert(**{"for": 5}), PROMETHEUS, "(alert 'HostDown'): 'for' value '5'", id="for-without-unit"),
    refused(alert(**{"for": "1.5m"}), PROMETHEUS, "(alert 'HostDown'): 'for' value '1.5m'", id="fractional-for"),
    refused(alert(keep_firing_for="soon"), PROMETHEUS, "(alert 'HostDown'): 'keep_firing_for' value 'soon'",
            id="keep-firing-for-in-words"),
    # labels and annotations
    refused(alert(labels={"__name__": "x"}), PROMETHEUS, "(alert 'HostDown'): label '__name__'",
            id="metric-name-label"),
    refused("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: {~: x}\n", POLICY,
            "group 'a' rule 1 (alert 'A'): 'labels': a key is empty", id="null-label-name"),
    refused(alert(labels={"__meta": "x"}), POLICY, "(alert 'HostDown'): label '__meta'", "reserves",
            id="reserved-label-name"),
    refused(alert(labels={"a\x01": "x"}), POLICY, "label name 'a\\x01'", id="control-character-in-label-name"),
    refused(alert(labels={"severity": "pa\x01ge"}), POLICY, "(alert 'HostDown'): label 'severity'", "\\x01",
            id="control-character-in-label-value"),
    refused(alert(labels={"severity": "pa\tge"}), POLICY, "label 'severity'", "\\t", id="tab-in-label-value"),
    refused(alert(labels={"severity": None}), POLICY, "(alert 'HostDown'): label 'severity' has no value",
            id="null-label-value"),
    refused(alert(labels={"severity": ["page"]}), PROMETHEUS, "(alert 'HostDown'): label 'severity'",
            "single value", id="list-label-value"),
    refused(alert(labels=["severity"]), PROMETHEUS, "(alert 'HostDown'): 'labels' must be a mapping",
            id="labels-is-a-list"),
    refused(alert(annotations={"d": "a\x07b"}), POLICY, "(alert 'HostDown'): annotation 'd'", "\\x07",
            id="control-character-in-annotation"),
    refused(alert(annotations={"d": "a\r\nb"}), POLICY, "(alert 'HostDown'): annotation 'd'", "\\r",
            id="carriage-return-in-annotation"),
    refused('groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: {x: "\\ud800"}\n', PROMETHEUS,
            "line 6 column 20", "invalid Unicode character escape", id="lone-surrogate"),
    # a lone surrogate as such (not escaped) has no UTF-8 form: written with surrogatepass, its
    # three bytes are what promtool reads as "invalid Unicode character", even in a comment
    refused("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    labels: {x: '\ud800'}\n", PROMETHEUS,
            "not valid yaml: line 6 column 18: \\ud800 is not allowed", id="raw-lone-surrogate"),
    refused("groups: []\n# \udfff\n", PROMETHEUS, "not valid yaml: line 2 column 3: \\udfff is not allowed",
            id="raw-lone-surrogate-in-a-comment"),
    # expr
    refused(alert(None), POLICY, "(alert 'HostDown'): 'expr' is missing or empty", id="null-expr"),
    refused(rules_yaml({"alert": "HostDown"}), PROMETHEUS, "(alert 'HostDown'): 'expr' is missing",
            id="missing-expr"),
    refused(alert(""), PROMETHEUS, "(alert 'HostDown'): 'expr' is missing or empty", id="empty-expr"),
    refused(alert("  # nothing\n"), PROMETHEUS, "(alert 'HostDown'): 'expr' holds only comments",
            id="comment-only-expr"),
    refused(alert(["up"]), PROMETHEUS, "(alert 'HostDown'): 'expr' must be a single value", id="expr-is-a-list"),
    refused(alert("sum(rate(x[5m])"), PROMETHEUS, "'expr' has an unclosed '(' at column 4", id="unclosed-paren"),
    refused(alert("sum(x))"), PROMETHEUS, "'expr' has a ')' at column 7 that closes nothing", id="extra-paren"),
    refused(alert('up{job="a"'), PROMETHEUS, "'expr' has an unclosed '{' at column 3", id="unclosed-brace"),
    refused(alert("rate(x[5m"), PROMETHEUS, "'expr' has an unclosed '[' at column 7", id="unclosed-bracket"),
    refused(alert("rate(x[5m)]"), PROMETHEUS, "'expr' has ) at column 10 inside [...]", id="crossed-brackets"),
    refused(alert("x}"), PROMETHEUS, "'expr' has a '}' at column 2 that closes nothing", id="extra-brace"),
    refused(alert('up{job="api}'), PROMETHEUS, "'expr' has an unterminated string at column 8",
            id="unterminated-string"),
    refused(alert("`up"), PROMETHEUS, "'expr' has an unterminated string at column 1",
            id="unterminated-raw-string"),
    refused(alert('up{job="a\nb"}'), PROMETHEUS, "'expr' has an unterminated string at line 1 column 8",
            id="newline-in-string"),
    refused(alert('up{job=~"a\\.b"}'), PROMETHEUS, "'expr' has the unknown escape '\\.' at column 11",
            id="regex-dot-needs-two-backslashes"),
    refused(alert("up{job='a\\\"b'}"), PROMETHEUS, "'expr' has the unknown escape '\\\"'",
            id="double-quote-escaped-in-single-quotes"),
    refused(alert('up{job="\\xZZ"}'), PROMETHEUS, "'expr' has an invalid escape '\\xZZ'", id="bad-hex-escape"),
    refused(alert('up{job="\\uD800"}'), PROMETHEUS, "'expr' has an invalid escape '\\uD800'",
            id="surrogate-escape"),
    refused(alert('up{job="\\777"}'), PROMETHEUS, "'expr' has an invalid escape '\\777'",
            id="octal-escape-over-255"),
    refused(alert("up && up"), PROMETHEUS, "'expr' has & at column 4", id="ampersand"),
    refused(alert("up | up"), PROMETHEUS, "'expr' has | at column 4", id="pipe"),
    refused(alert("up;"), PROMETHEUS, "'expr' has ; at column 3", id="semicolon"),
    refused(alert("up\u00a0> 0"), PROMETHEUS, "'expr' has \\xa0 at column 3", id="non-breaking-space"),
    refused(alert("upé"), PROMETHEUS, "'expr' has é at column 3", id="non-ascii-metric-name"),
    refused(alert("up ~ 1"), PROMETHEUS, "'expr' has ~ at column 4", id="lone-tilde"),
    refused(alert("up !~ up"), PROMETHEUS, "'expr' has '!~' at column 4", id="regex-match-outside-braces"),
    refused(alert('up{job{="a"}}'), PROMETHEUS, "'expr' has { at column 7 inside {...}", id="brace-in-braces"),
    refused(alert('up{1a="x"}'), PROMETHEUS, "'expr' has 1 at column 4 inside {...}",
            id="matcher-name-starting-with-digit"),
    refused(alert('up{a:b="x"}'), PROMETHEUS, "'expr' has : at column 5 inside {...}", id="colon-in-matcher"),
    refused(alert("up{job}"), PROMETHEUS, "'expr' has } at column 7 inside {...}", id="matcher-without-operator"),
    refused(alert("up{job=~}"), PROMETHEUS, "'expr' has } at column 9 inside {...}", id="matcher-without-value"),
    refused(alert('up{="a"}'), PROMETHEUS, "'expr' has = at column 4 inside {...}", id="matcher-without-name"),
    refused(alert('up{job="a" env="b"}'), PROMETHEUS, "'expr' has env at column 12 inside {...}",
            id="matchers-without-comma"),
    refused(alert('up{job="a",,}'), PROMETHEUS, "'expr' has , at column 12 inside {...}", id="matchers-two-commas"),
    refused(alert('up{job=="a"}'), PROMETHEUS, "'expr' has = at column 8 inside {...}", id="matcher-double-equals"),
    refused(alert("up[0s]"), PROMETHEUS, "'expr' has [0s]", "longer than 0", id="zero-range"),
    refused(alert("up[5m:0s]"), PROMETHEUS, "'expr' has [5m:0s]", "longer than 0", id="zero-step"),
    refused(alert("up[1.5m]"), PROMETHEUS, "'expr' has [1.5m] at column 3", "not a duration", id="fractional-range"),
    refused(alert("up[5m1h]"), PROMETHEUS, "'expr' has [5m1h]", "not a duration", id="range-units-reversed"),
    refused(alert("up[5m:1m:1m]"), PROMETHEUS, "'expr' has [5m:1m:1m]", id="range-with-two-colons"),
    refused(alert("up[]"), PROMETHEUS, "'expr' has []", id="empty-range"),
    refused(alert('up["5m"]'), PROMETHEUS, "'expr' has \" at column 4 inside [...]", id="string-in-range"),
    refused(alert("RATE(up[5m])"), PROMETHEUS, "'expr' calls 'RATE' at column 1", id="function-in-capitals"),
    refused(alert("sum(rates(up[5m]))"), PROMETHEUS, "'expr' calls 'rates' at column 5", id="unknown-function"),
    refused(alert("job:up:sum (up)"), PROMETHEUS, "'expr' calls 'job:up:sum'", id="metric-called-as-function"),
    refused(alert("up by (job)"), PROMETHEUS, "'expr' has 'up' at column 1 before 'by', where an aggregation",
            id="by-after-a-metric"),
    refused(alert("rate without (job) (up[5m])"), PROMETHEUS, "'expr' has 'rate' at column 1 before 'without'",
            id="without-after-a-function"),
    refused(alert("up == 0 or\n  sum(up"), PROMETHEUS, "'expr' has an unclosed '(' at line 2 column 6",
            id="position-on-second-line"),
    # templates in alert labels and annotations
    refused(annotated("{{ $labels.instance"), PROMETHEUS, "annotation 'summary' has a template error",
            "no closing }}", id="template-unclosed-action"),
    refused(annotated("{{ $labels.instance }"), PROMETHEUS, "annotation 'summary' has a template error",
            "} is not allowed", id="template-half-closed-action"),
    refused(annotated("{{ $label.instance }}"), PROMETHEUS, "undefined variable $label", "$labels",
            id="template-undefined-variable"),
    refused(annotated("{{ $value | humanise }}"), PROMETHEUS, "function 'humanise' is not defined",
            id="template-unknown-function"),
    refused(annotated("{{ if gt $value 1.0 }}high"), PROMETHEUS, "{{if}} has no {{end}}",
            id="template-if-without-end"),
    refused(annotated("done{{ end }}"), PROMETHEUS, "{{end}} closes nothing", id="template-stray-end"),
    refused(annotated("{{ else }}"), PROMETHEUS, "{{else}} is not inside", id="template-stray-else"),
    refused(annotated("{{ if 1 }}a{{ else }}b{{ else }}c{{ end }}"), PROMETHEUS, "comes twice",
            id="template-two-elses"),
    refused(annotated("{{ if 1 }}{{ break }}{{ end }}"), PROMETHEUS, "{{break}} is not inside {{range}}",
            id="template-break-outside-range"),
    refused(annotated("{{ range $labels }}{{ else }}{{ continue }}{{ end }}"), PROMETHEUS,
            "{{continue}} is not inside {{range}}", id="template-continue-in-range-else"),
    refused(annotated("{{ if 1 }}{{ $a := 1 }}{{ end }}{{ $a }}"), PROMETHEUS, "undefined variable $a",
            id="template-variable-out-of-scope"),
    refused(annotated('{{ define "t" }}{{ $labels }}{{ end }}'), PROMETHEUS, "undefined variable $labels",
            id="template-define-sees-no-outer-variables"),
    refused(annotated('{{ if 1 }}{{ define "t" }}x{{ end }}{{ end }}'), PROMETHEUS, "{{define}}",
            id="template-nested-define"),
    refused(annotated("{{ template t }}"), PROMETHEUS, "needs a quoted template name",
            id="template-unquoted-name"),
    refused(annotated("{{ if 1 }}x{{ end 1 }}"), PROMETHEUS, "unexpected '1' after {{end}}",
            id="template-end-with-argument"),
    refused(annotated('{{ range $labels }}{{ block "b" . }}{{ break }}{{ end }}{{ end }}'), PROMETHEUS,
            "{{break}} is not inside {{range}}", id="template-break-in-block-in-range"),
    refused(annotated("{{ if }}x{{ end }}"), PROMETHEUS, "{{if}} is missing a value",
            id="template-if-without-condition"),
    refused(annotated("{{ }}"), PROMETHEUS, "is missing a value", id="template-empty-action"),
    refused(annotated("{{ /* a */ }}"), PROMETHEUS, "/ is not allowed", id="template-comment-after-space"),
    refused(annotated("{{/* a */ }}"), PROMETHEUS, "comment must end right before }}",
            id="template-comment-before-space"),
    refused(annotated("{{/* a }}"), PROMETHEUS, "comment */}} is not closed", id="template-unclosed-comment"),
    refused(annotated('{{ "\\d" }}'), PROMETHEUS, "unknown escape '\\d'", id="template-bad-string-escape"),
    refused(annotated("{{ '\\\"' }}"), PROMETHEUS, "unknown escape '\\\"'",
            id="template-double-quote-escaped-in-character"),
    refused(annotated('{{ "open }}'), PROMETHEUS, "unterminated string", id="template-unterminated-string"),
    refused(annotated("{{ 'ab' }}"), PROMETHEUS, "'ab' is not a single character", id="template-long-character"),
    refused(annotated("{{ 1abc }}"), PROMETHEUS, "'1abc' is not a number", id="template-bad-number"),
    refused(annotated("{{ 1__0 }}"), PROMETHEUS, "'1__0' is not a number", id="template-double-underscore"),
    refused(annotated("{{ 0x1.8 }}"), PROMETHEUS, "'0x1.8' is not a number", id="template-hex-fraction-without-p"),
    refused(annotated("{{ 1e }}"), PROMETHEUS, "'1e' is not a number", id="template-bad-exponent"),
    refused(annotated("{{ 1-}}"), PROMETHEUS, "'1-' is not a number", id="template-trim-marker-needs-space"),
    refused(annotated("{{ 1+2 }}"), PROMETHEUS, "'1+2' is not a number", id="template-sum-is-not-a-number"),
    refused(annotated("{{ 1+i }}"), PROMETHEUS, "'1+i' is not a number", id="template-complex-without-digits"),
    refused(annotated("{{ 0x10+1i }}"), PROMETHEUS, "'0x10+1i' is not a number", id="template-complex-with-hex-int"),
    refused(annotated("{{ 0x1i }}"), PROMETHEUS, "'0x1i' is not a number", id="template-hex-imaginary-without-p"),
    refused(annotated("{{ 0o7i }}"), PROMETHEUS, "'0o7i' is not a number", id="template-octal-imaginary"),
    refused(annotated("{{ 089 }}"), PROMETHEUS, "'089' is not a number: a leading 0 makes it octal",
            id="template-octal-with-9"),
    refused(annotated("{{ 18446744073709551616 }}"), PROMETHEUS, "too large for a 64-bit integer",
            id="template-integer-overflow"),
    refused(annotated("{{ -9223372036854775809 }}"), PROMETHEUS, "too large for a 64-bit integer",
            id="template-negative-integer-overflow"),
    refused(annotated("{{ +18446744073709551615 }}"), PROMETHEUS, "too large for a 64-bit integer",
            id="template-signed-integer-overflow"),
    refused(annotated("{{ 1.7976931348623159e308 }}"), PROMETHEUS, "too large for a 64-bit float",
            id="template-float-overflow"),
    refused(annotated("{{ 0x1p1024i }}"), PROMETHEUS, "too large for a 64-bit float", id="template-imaginary-overflow"),
    refused(annotated("{{ 1-1e400i }}"), PROMETHEUS, "too large for a 64-bit float", id="template-complex-overflow"),
    refused(annotated("{{ ($a, $b := 1) }}"), PROMETHEUS, "(...) declares too many variables",
            id="template-two-variables-in-parentheses"),
    refused(annotated("{{ range $a, 1 }}{{ end }}"), PROMETHEUS, "{{range}} can only declare variables",
            id="template-range-declares-a-number"),
    refused(annotated("{{ range $a, }}{{ end }}"), PROMETHEUS, "{{range}} is missing a value",
            id="template-range-declares-nothing-after-a-comma"),
    refused(annotated("{{ $labels. }}"), PROMETHEUS, "'$labels.' is not a field access",
            id="template-dot-without-field"),
    refused(annotated('{{ "a".x }}'), PROMETHEUS, "'\"a\".x' is not a field access",
            id="template-field-of-a-string"),
    refused(annotated("{{ $labels.team-name }}"), PROMETHEUS, "- cannot follow '.team'",
            id="template-dash-in-field"),
    refused(annotated('{{ printf "%s"$value }}'), PROMETHEUS, "needs a space before '$value'",
            id="template-operands-glued"),
    refused(annotated("{{ $value | 1 }}"), PROMETHEUS, "'1' after '|' is a value", id="template-value-after-pipe"),
    refused(annotated("{{ (1 }}"), PROMETHEUS, "a '(' is not closed", id="template-unclosed-paren"),
    refused(annotated("{{ 1) }}"), PROMETHEUS, "a ')' closes nothing", id="template-extra-paren"),
    refused(annotated("{{ ( ) }}"), PROMETHEUS, "(...) is missing a value", id="template-empty-parens"),
    refused(annotated("{{ | toUpper }}"), PROMETHEUS, "'|' has no command", id="template-leading-pipe"),
    refused(annotated('{{ "a" | }}'), POLICY, "'|' has no command", id="template-trailing-pipe"),
    refused(annotated("{{ $a, $b := 1 }}"), PROMETHEUS, "declares too many variables",
            id="template-two-variables-outside-range"),
    refused(annotated("{{ $b = 2 }}"), POLICY, "$b is assigned before it is declared",
            id="template-assignment-to-undeclared-variable"),
    refused(annotated("{{ ™ }}"), PROMETHEUS, "™ is not allowed", id="template-symbol"),
    refused(annotated("{{ @ }}"), PROMETHEUS, "@ is not allowed", id="template-at-sign"),
    refused(annotated("{{ 1 if }}"), PROMETHEUS, "unexpected 'if'", id="template-keyword-as-argument"),
    refused(alert(labels={"severity": "{{ $labels.severity"}), PROMETHEUS,
            "(alert 'HostDown'): label 'severity' has a template error", id="template-in-alert-label"),
]


def versioned(text: str, key: str, *fragments: str, id: str):
    """A VERSIONED row: the text, its row in features.FEATURES, what a refusal must say besides."""
    return pytest.param(text, key, fragments, id=id)


VERSIONED = [
    # rule groups and rules
    versioned(rules_yaml({"record": "r", "expr": "up"}, limit=10), "limit", "group 'node': 'limit'", id="limit"),
    versioned(alert(keep_firing_for="5m"), "keep_firing_for", "(alert 'HostDown'): 'keep_firing_for'",
              id="keep-firing-for"),
    versioned(rules_yaml({"record": "r", "expr": "up"}, query_offset="1m"), "query_offset",
              "group 'node': 'query_offset'", id="query-offset"),
    versioned(rules_yaml({"record": "r", "expr": "up"}, labels={"team": "infra"}), "group labels",
              "group 'node': 'labels'", id="group-labels"),
    versioned(rules_yaml({"record": "r", "expr": "up"}, labels={"team.name": "infra"}), "group labels",
              id="group-labels-with-utf8-name"),
    versioned(rules_yaml({"alert": "A", "expr": "up"}, labels={"note": "{{ not a template"}), "group labels",
              id="group-labels-are-not-templates"),
    versioned(rules_yaml({"record": "job-up", "expr": "up"}), "utf8 names", "(record 'job-up')", "metric name",
              id="record-name-with-dash"),
    versioned(rules_yaml({"record": "1up", "expr": "up"}), "utf8 names", "(record '1up')",
              id="record-name-starting-with-digit"),
    versioned(rules_yaml({"record": "über:up", "expr": "up"}), "utf8 names", id="record-name-in-unicode"),
    versioned(alert(labels={"1a": "x"}), "utf8 names", "(alert 'HostDown'): label name '1a'",
              id="label-name-starting-with-digit"),
    versioned(alert(labels={"team-name": "x"}), "utf8 names", "label name 'team-name'", id="label-name-with-dash"),
    versioned(alert(annotations={"run book": "x"}), "utf8 names", "annotation name 'run book'",
              id="annotation-name-with-space"),
    versioned(rules_yaml({"record": "r", "expr": "up", "labels": {"équipe": "x"}}), "utf8 names",
              id="label-name-in-unicode"),
    # PromQL
    versioned(alert('{"http.requests"} > 0'), "quoted names", "'expr' at column 2", id="quoted-metric-name"),
    versioned(alert('{"http.requests", job="api"} > 0'), "quoted names", id="quoted-metric-name-and-matcher"),
    versioned(alert('up{"service.name"="api"} > 0'), "quoted names", id="quoted-label-name"),
    versioned(alert('sum by ("service.name") (up) > 0'), "quoted names", id="quoted-name-in-by"),
    versioned(alert("x * on (\"k.8s\") group_left () y"), "quoted names", id="quoted-name-in-on"),
    versioned(alert("up @ 1700000000 > 0"), "@", "'expr' at column 4", id="at-modifier-timestamp"),
    versioned(alert("rate(x[5m] @ end()) > 0"), "@", id="at-modifier-end"),
    versioned(alert("up offset -5m > 0"), "negative offset", id="negative-offset"),
    versioned(alert("up > 1_000"), "number underscores", "'expr' at column 6", id="underscore-in-number"),
    versioned(alert("up > 0x1_F + 1e1_0"), "number underscores", id="underscore-in-hex-and-exponent"),
    versioned(alert("up[300]"), "number as duration", "'expr' has [300] at column 3", "no unit",
              id="range-in-seconds"),
    versioned(alert("max_over_time(up[1h:60])"), "number as duration", id="subquery-step-in-seconds"),
    versioned(alert("up[0.5]"), "number as duration", id="range-in-fractional-seconds"),
    versioned(alert("time() - timestamp(up) > 10m"), "duration as number", "'expr' at column 26",
              id="duration-as-a-number"),
    versioned(alert("histogram_count(x) > 0"), "histogram_count", id="histogram-count"),
    versioned(alert("histogram_sum(x) > 0"), "histogram_sum", id="histogram-sum"),
    versioned(alert("histogram_fraction(0, 0.2, x) > 0"), "histogram_fraction", id="histogram-fraction"),
    versioned(alert("histogram_stddev(x) > 0"), "histogram_stddev", id="histogram-stddev"),
    versioned(alert("histogram_stdvar(x) > 0"), "histogram_stdvar", id="histogram-stdvar"),
    versioned(alert("histogram_avg(x) > 0"), "histogram_avg", "'expr' at column 1: 'histogram_avg' needs",
              id="histogram-avg"),
    versioned(alert("holt_winters(x[10m], 0.5, 0.5)"), "holt_winters", id="holt-winters"),
    versioned(alert("double_exponential_smoothing(x[10m], 0.5, 0.5)"), "double_exponential_smoothing",
              id="double-exponential-smoothing"),
    versioned(alert("mad_over_time(x[5m])"), "mad_over_time", id="mad-over-time"),
    versioned(alert('sort_by_label(up, "job")'), "sort_by_label", id="sort-by-label"),
    versioned(alert('sort_by_label_desc(up, "job")'), "sort_by_label_desc", id="sort-by-label-desc"),
    versioned(alert("limitk(2, up)"), "limitk", id="limitk"),
    versioned(alert("limit_ratio(0.5, up)"), "limit_ratio", id="limit-ratio"),
    versioned(alert("limitk by (job) (2, up)"), "limitk", id="limitk-by"),
    versioned(alert("LIMIT_RATIO without (job) (0.5, up)"), "limit_ratio", id="limit-ratio-without"),
    versioned(alert("info(up)"), "info", id="info"),
    versioned(alert("ts_of_max_over_time(up[5m])"), "ts_of_max_over_time", id="ts-of-max-over-time"),
    versioned(alert("ts_of_min_over_time(up[5m])"), "ts_of_min_over_time", id="ts-of-min-over-time"),
    versioned(alert("ts_of_last_over_time(up[5m])"), "ts_of_last_over_time", id="ts-of-last-over-time"),
    # Go templates
    versioned(annotated("{{ with 1 }}a{{ else with 2 }}b{{ end }}"), "else with", "{{else with}}",
              id="template-else-with"),
    versioned(annotated("{{ humanizePercentage 0.5 }}"), "humanizePercentage", id="template-humanize-percentage"),
    versioned(annotated('{{ parseDuration "5m" }}'), "parseDuration", id="template-parse-duration"),
    versioned(annotated("{{ $labels.instance | stripPort }}"), "stripPort", id="template-strip-port"),
    versioned(annotated("{{ $labels.instance | stripDomain }}"), "stripDomain", id="template-strip-domain"),
    versioned(annotated("{{ 1700000000 | toTime }}"), "toTime", "annotation 'summary' has a template error",
              id="template-to-time"),
]


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="{"), max_size=30)
_DURATION = st.one_of(
    st.just("0"),
    st.from_regex(r"[1-9][0-9]{0,2}(ms|s|m|h|d|w)", fullmatch=True),
    st.sampled_from(["1y", "1h30m", "1d12h", "2w3d", "1m30s500ms"]),
).map(Duration.parse)
_EXPR = st.sampled_from([
    "up", "up == 0", "sum by (job) (rate(x_total[5m])) > 0.5", "1", 'up{job=~"a\\\\.b"}', "-1e3",
    "max_over_time(x[1h:5m])\n  # comment (\n  > 1", 'label_join(up, "a", `,\n`, "b")',
])
_LABEL_NAME = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,10}", fullmatch=True)
_LABELS = st.dictionaries(_LABEL_NAME, _TEXT, max_size=3).map(lambda d: tuple(d.items()))
_ANNOTATION = st.lists(_TEXT | st.sampled_from(["\n", "\t", " \n", "\n\n", "  "]), max_size=4).map("".join)
_ANNOTATIONS = st.dictionaries(_LABEL_NAME, _ANNOTATION, max_size=3).map(lambda d: tuple(d.items()))
_ALERT = st.builds(
    Rule, expr=_EXPR, alert=_TEXT.filter(bool), for_=st.none() | _DURATION,
    keep_firing_for=st.none() | _DURATION, labels=_LABELS, annotations=_ANNOTATIONS,
)
_RECORD = st.builds(
    Rule, expr=_EXPR, record=st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,15}", fullmatch=True), labels=_LABELS
)
_GROUP = st.builds(
    RuleGroup, name=_TEXT.filter(bool), interval=st.none() | _DURATION, limit=st.none() | st.integers(0, 10_000),
    rules=st.lists(_ALERT | _RECORD, max_size=4).map(tuple),
)
# Valid rule files with any text where Prometheus allows any text; also used by the promtool e2e test.
RULE_FILES = st.lists(_GROUP, max_size=3, unique_by=lambda group: group.name).map(lambda gs: RuleFile(tuple(gs)))
