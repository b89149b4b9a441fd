"""check_template reads a label or annotation as Go's text/template parser does (Prometheus
parses each with it when it loads a rule file, promtool check rules too), and its message names
the problem exactly.

Go's functions: https://pkg.go.dev/text/template#hdr-Functions; Prometheus' own:
https://prometheus.io/docs/prometheus/latest/configuration/template_reference/
"""

import pytest

from domain.rules.features import Gate
from domain.rules.go_template import check_template
from domain.rules.tokens import Invalid
from domain.values.version import NEWEST

V2_42 = (2, 42, 0)
STRAY_ELSE = "{{else}} is not inside {{if}}, {{with}} or {{range}}, or comes twice"
DEFINE_PLACE = "{{define}} takes only a name and must be outside other actions"
GO_FUNCTIONS = (
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
)
PROMETHEUS_2_FUNCTIONS = (
    "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title",
    "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "humanize", "humanize1024",
    "humanizeDuration", "humanizeTimestamp", "pathPrefix", "externalURL",
)


def refusal(text: str, version=NEWEST) -> str:
    with pytest.raises(Invalid) as caught:
        check_template(text, Gate(version))
    return str(caught.value)


@pytest.mark.parametrize("version", [V2_42, NEWEST], ids=["2.42", "latest"])
@pytest.mark.parametrize("name", GO_FUNCTIONS + PROMETHEUS_2_FUNCTIONS)
def test_every_function_of_go_and_of_prometheus_2_is_defined(name, version):
    check_template(f"{{{{ {name} }}}} {{{{ $value | {name} }}}}", Gate(version))


@pytest.mark.parametrize("variable", ["$", "$labels", "$externalLabels", "$externalURL", "$value"])
def test_the_variables_prometheus_defines_are_readable_at_the_top(variable):
    check_template(f"{{{{ {variable} }}}}", Gate(NEWEST))


@pytest.mark.parametrize("text", [
    "{{- $value -}}", "{{-\t$value\t-}}", "{{-\n$value\n-}}", "{{-\r$value\r-}}",
    "{{- /* trimmed comment */ -}}", "{{-\t/* trimmed comment */\t-}}",
])
def test_trim_markers_take_any_go_space(text):
    check_template(text, Gate(NEWEST))


@pytest.mark.parametrize("text", ["{{-/* c */}}", "{{-$value}}"])
def test_a_dash_glued_to_what_follows_is_a_number_sign_not_a_trim_marker(text):
    with pytest.raises(Invalid):
        check_template(text, Gate(NEWEST))


@pytest.mark.parametrize("text, message", [
    ("{{/* open", "a {{/* comment */}} is not closed"),
    ("{{/*/}}", "a {{/* comment */}} is not closed"),
    ("{{/* c */ x}}", "a comment must end right before }}"),
    ("{{ if 1 }}", "{{if}} has no {{end}}"),
    ("{{ range $labels }}{{ with 1 }}{{ end }}", "{{range}} has no {{end}}"),
    ('{{ define "t" }}', "{{define}} has no {{end}}"),
    ("{{ else }}", STRAY_ELSE),
    ("{{ with 1 }}{{ else }}{{ else }}{{ end }}", STRAY_ELSE),
    ('{{ define "t" }}{{ else }}{{ end }}', STRAY_ELSE),
    ("{{ if 1 }}{{ else 1 }}{{ end }}", "unexpected '1' after {{else}}"),
    ("{{ with 1 }}{{ else if 1 }}{{ end }}", "unexpected 'if' after {{else}}"),
    ("{{ if 1 }}{{ else with 1 }}{{ end }}", "unexpected 'with' after {{else}}"),
    ("{{ range $labels }}{{ break 1 }}{{ end }}", "unexpected '1' after {{break}}"),
    ("{{ range $labels }}{{ continue 1 }}{{ end }}", "unexpected '1' after {{continue}}"),
    ("{{ if 1 }}{{ end 1 }}", "unexpected '1' after {{end}}"),
    ("{{ break }}", "{{break}} is not inside {{range}}"),
    ("{{ continue }}", "{{continue}} is not inside {{range}}"),
    ("{{ end }}", "{{end}} closes nothing"),
    ("{{ template }}", "{{template}} needs a quoted template name"),
    ("{{ block 1 }}{{ end }}", "{{block}} needs a quoted template name"),
    ("{{ define t }}{{ end }}", "{{define}} needs a quoted template name"),
    ('{{ define "t" 1 }}{{ end }}', DEFINE_PLACE),
    ('{{ with 1 }}{{ define "t" }}{{ end }}{{ end }}', DEFINE_PLACE),
    ('{{ template "t" }}{{ end }}', "{{end}} closes nothing"),
    ('{{ block "b" }}{{ end }}', "{{block}} is missing a value"),
    ('{{ template "t" $x }}', "undefined variable $x"),
    ("{{ $label }}", "undefined variable $label (did you mean $labels?)"),
    ("{{ $labelz }}", "undefined variable $labelz"),
    ("{{ $a, $b, $c := 1 }}", "{{ }} declares too many variables"),
    ("{{ range $a, $b, $c := 1 }}{{ end }}", "{{range}} declares too many variables"),
    ("{{ if $a, $b := 1 }}{{ end }}", "{{if}} declares too many variables"),
    ("{{ if 1 }}{{ else if $a, $b := 1 }}{{ end }}", "{{else if}} declares too many variables"),
    ("{{ with 1 }}{{ else with $a, $b := 1 }}{{ end }}", "{{else with}} declares too many variables"),
    ("{{ $a = 1 }}", "$a is assigned before it is declared with :="),
    ("{{ $a := }}", "{{ }} is missing a value"),
    ("{{ if 1 }}{{ else if }}{{ end }}", "{{else if}} is missing a value"),
    ("{{ ( ) }}", "(...) is missing a value"),
    ("{{ 1 | . }}", "'.' after '|' is a value; a function must follow '|'"),
    ('{{ 1 | "s" }}', "'\"s\"' after '|' is a value; a function must follow '|'"),
    ("{{ 1 | 'c' }}", "''c'' after '|' is a value; a function must follow '|'"),
    ("{{ 1 | true }}", "'true' after '|' is a value; a function must follow '|'"),
    ("{{ 1 | | toUpper }}", "a '|' has no command on one side"),
    ('{{ printf "%s"$value }}', "'\"%s\"$value' needs a space before '$value'"),
    ("{{ $labels. }}", "'$labels.' is not a field access"),
    ("{{ 1.x }}", "'1.x' is not a number"),
    ("{{ if 1 if }}{{ end }}", "unexpected 'if'"),
    ("{{ 1 , 2 }}", "unexpected ','"),
    ("{{ humanise 1 }}", "function 'humanise' is not defined"),
    ("{{ ..x }}", "'..x' is not a field access"),
    ('{{ $x := 1 }}{{ block "b" . }}{{ $x }}{{ end }}', "undefined variable $x"),
    ('{{ printf "%v" ("a") $nope }}', "undefined variable $nope"),
    ("{{ ($a, $b := 1) }}", "(...) declares too many variables"),
    ("{{/* a */}}{{ $nope }}{{/* b */}}", "undefined variable $nope"),
    ("{{ if 1 }}{{ with 1 }}", "{{with}} has no {{end}}"),
    ("{{ $x := 1 }}{{ $x == 1 }}", "unexpected '='"),
    ("{{ 1 | .0 }}", "'.0' after '|' is a value; a function must follow '|'"),
    ("{{ 1 | .9 }}", "'.9' after '|' is a value; a function must follow '|'"),
    ('{{ template "t" $a, $b := 1 }}', "{{template}} declares too many variables"),
    ('{{ block "b" $a, $b := 1 }}{{ end }}', "{{block}} declares too many variables"),
    ('{{ block "b" $x := 1 }}{{ $x }}{{ end }}', "undefined variable $x"),
    ("{{ if ($x := 1) }}{{ end }}{{ $x }}", "undefined variable $x"),
    ("{{ ($x = 1) }}", "$x is assigned before it is declared with :="),
    ("{{ range $a, 1 }}{{ end }}", "{{range}} can only declare variables"),
    ("{{ range $a, $b, $c }}{{ end }}", "{{range}} declares too many variables"),
    ("{{ range $a, }}{{ end }}", "{{range}} is missing a value"),
    ("{{ $a, $labels }}", "{{ }} declares too many variables"),
])
def test_a_template_prometheus_refuses_is_named_exactly(text, message):
    assert refusal(text) == message


@pytest.mark.parametrize("text", [
    "{{ $a := 1 }}{{ $a = 2 }}{{ $a }}",
    "{{ range $i, $s := $labels }}{{ $i }}{{ $s }}{{ end }}",
    "{{ range $s := $labels }}{{ $s }}{{ end }}",
    "{{ range $i, $s := $labels }}{{ $i = 2 }}{{ end }}",
    "{{ with $x := 1 }}{{ $x }}{{ else with $y := 2 }}{{ $y }}{{ end }}",
    "{{ if $x := 1 }}{{ $x }}{{ else if $y := 2 }}{{ $y }}{{ end }}",
    "{{ range $labels }}{{ if 1 }}{{ break }}{{ else }}{{ continue }}{{ end }}{{ end }}",
    "{{ range $labels }}{{ with 1 }}{{ range $labels }}{{ else }}{{ break }}{{ end }}{{ end }}{{ end }}",
    '{{ define "t" }}{{ $ }}{{ $x := 1 }}{{ $x }}{{ end }}{{ template "t" }}',
    '{{ block "b" $value }}{{ $ }}{{ end }}',
    "{{ ($labels).job }} {{ (\"a\").x }} {{ (index $labels \"job\") | toUpper }} {{ $labels.job.x }} {{ .a.b }}",
    "{{ printf \"%d\" (len (index $labels \"a\")) }}",
    "{{ $value | humanize | printf \"%s\" }}",
    "{{ . }} {{ .Labels }} {{ true }}",
    "{{ ($x := 1) }}{{ $x }}{{ (($y := 2)) }}{{ $y }}{{ 1 | ($z := 3) }}{{ $z }}",
    "{{ printf \"%v %v\" ($x := 1) $x }}",
    '{{ template "t" $x := 1 }}{{ $x }}{{ template "t" ($y := 2) }}{{ $y }}',
    '{{ block "b" $x := 1 }}{{ $ }}{{ end }}{{ $x }}',
    '{{ define "t" }}{{ ($x := 1) }}{{ $x }}{{ end }}',
    "{{ if 1 }}{{ ($x := 1) }}{{ $x }}{{ end }}",
    "{{ $x := 1 }}{{ ($x = 2) }}",
    "{{ range $i, $labels }}{{ $i }}{{ end }}{{ range $labels, $labels }}{{ end }}",
    "{{ range $labels, $value = $labels }}{{ end }}",
    "{{ $1 := 1 }}{{ $1 }}{{ $1a := 2 }}{{ $1a }}",
    "{{/**/}}", "{{ $value }} {{/* note */}}", "{{/* }} {{ $nope */}}", "{{/* {{ $nope */}}",
])
def test_a_template_prometheus_reads_is_accepted(text):
    check_template(text, Gate(NEWEST))

