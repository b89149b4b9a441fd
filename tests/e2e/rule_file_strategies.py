"""Hypothesis strategies of rule files for the differential test against promtool.

``JUDGED_FILES`` writes rule-file YAML from parts that differ between Prometheus releases or are
wrong in one small way: group keys (``limit``, ``query_offset``, ``labels``), legacy and UTF-8
names, PromQL built by a small grammar (so operand types are right and only what the charm
checks can make it wrong: tokens, brackets, escapes, durations, functions, versioned syntax),
and templates. Each file is judged by the charm and by promtool; they must agree.
"""

from typing import Dict, List

import yaml
from hypothesis import strategies as st

_METRICS = ["up", "http_requests_total", "node_load1", '{"http.requests"}', '{__name__="up"}']
_MATCHERS = ['{job="api"}', '{job=~"a\\\\.b", env!="dev"}', '{"service.name"="api"}', "{job='x'}",
             '{job="a\\.b"}', "{}", '{instance!~`.*:9090`}']
_RANGES = ["5m", "1h", "10m", "300", "0.5", "1_000s", "1.5m", "0s", "1h:60", "1h:5m", "30m:", "5m1h"]
_MODIFIERS = ["", "", "", " offset 5m", " offset -5m", " @ 1700000000", " @ start()", " offset 1h @ end()"]
_OVER_TIME = ["rate", "increase", "max_over_time", "present_over_time", "mad_over_time",
              "ts_of_max_over_time", "last_over_time", "first_over_time", "deriv"]
_OF_VECTOR = ["abs", "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "sort",
              "histogram_stdvar", "ceil", "Abs"]
_NUMBERS = ["1", "0.5", "1_000", "1e3", "0x1F", "1__0", "10m", "Inf"]


def _selector() -> st.SearchStrategy[str]:
    plain = st.sampled_from(_METRICS[:3])
    with_matchers = st.tuples(plain, st.sampled_from(_MATCHERS)).map("".join)
    return st.one_of(st.sampled_from(_METRICS), with_matchers)


def _range(selector: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(selector, st.sampled_from(_RANGES), st.sampled_from(_MODIFIERS)).map(
        lambda p: f"{p[0]}[{p[1]}]{p[2]}"
    )


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(_OF_VECTOR), inner).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(inner, st.sampled_from(["+", "/", "and", "or", "unless"]), inner).map(" ".join),
        st.tuples(inner, st.sampled_from(["> bool", ">", "=="]), st.sampled_from(_NUMBERS)).map(" ".join),
        st.tuples(st.sampled_from(["by (job)", 'by ("service.name")', "without (instance)", ""]), inner).map(
            lambda p: f"sum {p[0]} ({p[1]})"
        ),
        st.tuples(st.sampled_from(["topk(3, ", "limitk(2, ", "sort_by_label("]), inner).map(
            lambda p: p[0] + p[1] + (', "job")' if "label" in p[0] else ")")
        ),
    )


def _leaf() -> st.SearchStrategy[str]:
    selector = _selector()
    over_time = st.tuples(st.sampled_from(_OVER_TIME), _range(selector)).map(lambda p: f"{p[0]}({p[1]})")
    holt = _range(selector).map(lambda r: f"holt_winters({r}, 0.5, 0.5)")
    with_modifier = st.tuples(selector, st.sampled_from(_MODIFIERS)).map("".join)
    return st.one_of(selector, with_modifier, over_time, holt)


_SPOIL = [""] * 12 + [")", "(", " &", "é", " # (", "]", "!"]
EXPRS = st.tuples(st.recursive(_leaf(), _extend, max_leaves=4), st.sampled_from(_SPOIL)).map("".join)

_LABEL_NAMES = ["severity", "team", "summary", "job", "team-name", "1a", "a.b", "équipe", "run book", "__name__"]
_TEMPLATES = ["page", "ticket", "{{ $value }}", "{{ $labels.instance }}", "{{ $labels.job }} down",
              "{{ with 1 }}a{{ else with 2 }}b{{ end }}",
              "{{ 1700000000 | toTime }}", "{{ $value | humanise }}", "{{ 1_000 }}", "{{ $label.job }}",
              "{{ humanizePercentage 0.5 }}", "{{ if gt $value 1.0 }}high{{ end }}", "{{ .Labels.job"]
_PAIRS = st.dictionaries(st.sampled_from(_LABEL_NAMES), st.sampled_from(_TEMPLATES), max_size=2)
_DURATIONS = st.sampled_from(["30s", "5m", "0s", "1h30m", "1m", "10m", "soon", "1.5m"])


def _rule(kind: str, name: str, expr: str, extra: Dict[str, object]) -> Dict[str, object]:
    rule: Dict[str, object] = {kind: name, "expr": expr}
    rule.update(extra)
    return rule


_ALERT = st.builds(
    _rule, st.just("alert"), st.sampled_from(["HostDown", "Host down", "Überlast"]), EXPRS,
    st.fixed_dictionaries({}, optional={"for": _DURATIONS, "keep_firing_for": _DURATIONS,
                                        "labels": _PAIRS, "annotations": _PAIRS}),
)
_RECORD = st.builds(
    _rule, st.just("record"),
    st.sampled_from(["job:up:sum", "r", "job:x", "job-up", "1up", "http.requests", "über", "a{b"]),
    EXPRS, st.fixed_dictionaries({}, optional={"labels": _PAIRS.map(lambda d: {k: "x" for k in d})}),
)
_GROUP = st.fixed_dictionaries(
    {"name": st.sampled_from(["node", "api", "Über"]), "rules": st.lists(_ALERT | _RECORD, min_size=1, max_size=2)},
    optional={"interval": _DURATIONS, "limit": st.sampled_from([0, 10, 100, "5"]), "query_offset": _DURATIONS,
              "labels": _PAIRS.map(lambda d: {k: "x" for k in d})},
)


def _document(groups: List[Dict[str, object]]) -> str:
    ordered = [{key: group[key] for key in sorted(group, key=lambda k: k == "rules")} for group in groups]
    return str(yaml.safe_dump({"groups": ordered}, sort_keys=False, allow_unicode=True))


JUDGED_FILES = st.lists(_GROUP, min_size=1, max_size=2, unique_by=lambda g: str(g["name"])).map(_document)
