"""Which rule-file features each Prometheus version reads: the table and the gate. Pure.

A feature is accepted from the release that introduced it (``since``) and refused before it;
a removed feature is refused from the release that removed it (``until``) on. An experimental
feature needs ``--enable-feature``, which the charm never sets, so it is always refused. Each
row names its source: the Prometheus changelog section of that release, or the change itself
where the changelog is silent.
"""

from dataclasses import dataclass
from typing import Dict, Optional

from domain.values.version import NEWEST, Version

CHANGELOG = "https://github.com/prometheus/prometheus/blob/main/CHANGELOG.md#"
_EXPERIMENTAL_FUNCTIONS = "https://prometheus.io/docs/prometheus/latest/feature_flags/#experimental-promql-functions"


@dataclass(frozen=True)
class Feature:
    """One row: what a message calls it, the releases that read it, where that is written."""

    shown: str
    source: str
    since: Optional[Version] = None
    until: Optional[Version] = None
    flag: str = ""  # experimental: the --enable-feature value Prometheus needs for it


def _row(shown: str, anchor: str, since: Optional[Version] = None, **more: object) -> Feature:
    return Feature(shown, anchor if anchor.startswith("https://") else CHANGELOG + anchor, since, **more)  # type: ignore[arg-type]


def _experimental(name: str, anchor: str) -> Feature:
    return _row(name, anchor, flag="promql-experimental-functions")


_V3 = (3, 0, 0)
_C3 = "300--2024-11-14"
FEATURES: Dict[str, Feature] = {
    # rule groups and rules (rulefmt)
    "limit": _row("limit", "2310--2021-11-02", (2, 31, 0)),
    "keep_firing_for": _row("keep_firing_for", "2420--2023-01-31", (2, 42, 0)),
    "query_offset": _row("query_offset", "2530--2024-06-16", (2, 53, 0)),
    "group labels": _row("labels", "https://github.com/prometheus/prometheus/pull/11474", _V3),
    "utf8 names": _row("UTF-8 names", _C3, _V3),  # metric, label and annotation names
    # PromQL
    "@": _row("@ modifier", "2330--2022-01-29", (2, 33, 0)),  # stable since; a flag before
    "negative offset": _row("negative offset", "2330--2022-01-29", (2, 33, 0)),
    "quoted names": _row("quoted UTF-8 names", _C3, _V3),
    "number underscores": _row("_ in numbers", "2540--2024-08-09", (2, 54, 0)),
    # float literals and durations interchangeable: experimental in 2.54, stable in 3.0
    "number as duration": _row("a duration without a unit", _C3, _V3),
    "duration as number": _row("a duration as a number", _C3, _V3),
    "histogram_count": _row("histogram_count", "2400--2022-11-08", (2, 40, 0)),
    "histogram_sum": _row("histogram_sum", "2400--2022-11-08", (2, 40, 0)),
    "histogram_fraction": _row("histogram_fraction", "2400--2022-11-08", (2, 40, 0)),
    "histogram_stddev": _row("histogram_stddev", "2470--2023-09-06", (2, 47, 0)),
    "histogram_stdvar": _row("histogram_stdvar", "2470--2023-09-06", (2, 47, 0)),
    "histogram_avg": _row("histogram_avg", "2510--2024-03-18", (2, 51, 0)),
    "holt_winters": _row("holt_winters", _C3, until=_V3),
    "mad_over_time": _experimental("mad_over_time", "2490--2024-01-15"),
    "sort_by_label": _experimental("sort_by_label", "2490--2024-01-15"),
    "sort_by_label_desc": _experimental("sort_by_label_desc", "2490--2024-01-15"),
    "limitk": _experimental("limitk", "2540--2024-08-09"),
    "limit_ratio": _experimental("limit_ratio", "2540--2024-08-09"),
    "info": _experimental("info", "2550--2024-10-22"),
    "double_exponential_smoothing": _experimental("double_exponential_smoothing", _C3),
    "ts_of_min_over_time": _experimental("ts_of_min_over_time", "350--2025-07-14"),
    "ts_of_max_over_time": _experimental("ts_of_max_over_time", "350--2025-07-14"),
    "ts_of_last_over_time": _experimental("ts_of_last_over_time", "350--2025-07-14"),
    # Go templates in alert labels and annotations
    "humanizePercentage": _row("humanizePercentage", "2110--2019-07-09", (2, 11, 0)),
    "parseDuration": _row("parseDuration", "2320--2021-12-09", (2, 32, 0)),
    "stripPort": _row("stripPort", "2330--2022-01-29", (2, 33, 0)),
    "stripDomain": _row("stripDomain", "2360--2022-05-30", (2, 36, 0)),
    "toTime": _row("toTime", "2380--2022-08-16", (2, 38, 0)),
    # Go 1.23's text/template; Prometheus 3.0 is the first release built with it
    "else with": _row("{{else with}}", "https://go.dev/doc/go1.23#text/template", _V3),
}

PROMQL_FUNCTIONS = frozenset(key for key in FEATURES if key.startswith(("histogram_", "holt_")) or FEATURES[key].flag)
TEMPLATE_FUNCTIONS = frozenset({"humanizePercentage", "parseDuration", "stripPort", "stripDomain", "toTime"})


def show_version(version: Version) -> str:
    return "latest" if version == NEWEST else ".".join(str(part) for part in version)


class Gate:
    """Says whether the image's Prometheus reads a feature, and why not if it does not."""

    def __init__(self, version: Version) -> None:
        self.version = version

    def refusal(self, key: str) -> Optional[str]:
        """None when the version reads ``key``, else the reason, e.g. "'query_offset' needs ..."."""
        feature, image = FEATURES[key], f"(image is {show_version(self.version)})"
        if feature.flag:
            return (f"'{feature.shown}' is experimental in Prometheus (--enable-feature={feature.flag}), "
                    "which the charm does not enable")
        if feature.since is not None and self.version < feature.since:
            return f"'{feature.shown}' needs Prometheus >= {show_version(feature.since)} {image}"
        if feature.until is not None and self.version >= feature.until:
            return f"'{feature.shown}' was removed in Prometheus {show_version(feature.until)} {image}"
        return None

    def reads(self, key: str) -> bool:
        return self.refusal(key) is None
