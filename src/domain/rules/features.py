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


_V3 = (3, 0, 0)
_C3 = CHANGELOG + "300--2024-11-14"
_FLAG = "promql-experimental-functions"  # the --enable-feature value of the experimental functions
FEATURES: Dict[str, Feature] = {
    # rule groups and rules (rulefmt)
    "limit": Feature("limit", CHANGELOG + "2310--2021-11-02", (2, 31, 0)),
    "keep_firing_for": Feature("keep_firing_for", CHANGELOG + "2420--2023-01-31", (2, 42, 0)),
    "query_offset": Feature("query_offset", CHANGELOG + "2530--2024-06-16", (2, 53, 0)),
    "group labels": Feature("labels", "https://github.com/prometheus/prometheus/pull/11474", _V3),
    "utf8 names": Feature("UTF-8 names", _C3, _V3),  # metric, label and annotation names
    # PromQL
    "@": Feature("@ modifier", CHANGELOG + "2330--2022-01-29", (2, 33, 0)),  # stable since; a flag before
    "negative offset": Feature("negative offset", CHANGELOG + "2330--2022-01-29", (2, 33, 0)),
    "quoted names": Feature("quoted UTF-8 names", _C3, _V3),
    "number underscores": Feature("_ in numbers", CHANGELOG + "2540--2024-08-09", (2, 54, 0)),
    # float literals and durations interchangeable: experimental in 2.54, stable in 3.0
    "number as duration": Feature("a duration without a unit", _C3, _V3),
    "duration as number": Feature("a duration as a number", _C3, _V3),
    "histogram_count": Feature("histogram_count", CHANGELOG + "2400--2022-11-08", (2, 40, 0)),
    "histogram_sum": Feature("histogram_sum", CHANGELOG + "2400--2022-11-08", (2, 40, 0)),
    "histogram_fraction": Feature("histogram_fraction", CHANGELOG + "2400--2022-11-08", (2, 40, 0)),
    "histogram_stddev": Feature("histogram_stddev", CHANGELOG + "2470--2023-09-06", (2, 47, 0)),
    "histogram_stdvar": Feature("histogram_stdvar", CHANGELOG + "2470--2023-09-06", (2, 47, 0)),
    "histogram_avg": Feature("histogram_avg", CHANGELOG + "2510--2024-03-18", (2, 51, 0)),
    "holt_winters": Feature("holt_winters", _C3, until=_V3),
    "mad_over_time": Feature("mad_over_time", CHANGELOG + "2490--2024-01-15", flag=_FLAG),
    "sort_by_label": Feature("sort_by_label", CHANGELOG + "2490--2024-01-15", flag=_FLAG),
    "sort_by_label_desc": Feature("sort_by_label_desc", CHANGELOG + "2490--2024-01-15", flag=_FLAG),
    "limitk": Feature("limitk", CHANGELOG + "2540--2024-08-09", flag=_FLAG),
    "limit_ratio": Feature("limit_ratio", CHANGELOG + "2540--2024-08-09", flag=_FLAG),
    "info": Feature("info", CHANGELOG + "2550--2024-10-22", flag=_FLAG),
    "double_exponential_smoothing": Feature("double_exponential_smoothing", _C3, flag=_FLAG),
    "ts_of_min_over_time": Feature("ts_of_min_over_time", CHANGELOG + "350--2025-07-14", flag=_FLAG),
    "ts_of_max_over_time": Feature("ts_of_max_over_time", CHANGELOG + "350--2025-07-14", flag=_FLAG),
    "ts_of_last_over_time": Feature("ts_of_last_over_time", CHANGELOG + "350--2025-07-14", flag=_FLAG),
    # Go templates in alert labels and annotations
    "humanizePercentage": Feature("humanizePercentage", CHANGELOG + "2110--2019-07-09", (2, 11, 0)),
    "parseDuration": Feature("parseDuration", CHANGELOG + "2320--2021-12-09", (2, 32, 0)),
    "stripPort": Feature("stripPort", CHANGELOG + "2330--2022-01-29", (2, 33, 0)),
    "stripDomain": Feature("stripDomain", CHANGELOG + "2360--2022-05-30", (2, 36, 0)),
    "toTime": Feature("toTime", CHANGELOG + "2380--2022-08-16", (2, 38, 0)),
    # Go 1.23's text/template; Prometheus 3.0 is the first release built with it
    "else with": Feature("{{else with}}", "https://go.dev/doc/go1.23#text/template", _V3),
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
