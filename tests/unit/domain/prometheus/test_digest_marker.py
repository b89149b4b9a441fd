"""The digest marker in prometheus.yml: written into rule_files, read back from a running Prometheus.

tests/e2e/test_digest_marker.py runs it through the real promtool and prometheus.
"""

import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import ConfigErrors
from domain.facts import AlertmanagerTarget
from domain.prometheus.config_file import (
    build_prometheus_config,
    digest_in_running_config,
    digest_marker,
    mark_prometheus_yml,
    render_prometheus_yml,
    with_digest_marker,
)
from tests.support.builders import VERSION, make_config

DIGEST = "0123456789abcdef" * 4


def test_the_marker_is_a_glob_naming_a_directory_no_config_map_can_hold():
    marker = digest_marker(DIGEST)

    assert marker == f"published-config-{DIGEST}/*"
    assert marker.count("*") == 1 and "*" not in marker.rpartition("/")[0]  # Prometheus' patRulePath


@pytest.mark.parametrize("digest", ["", DIGEST[:-1], DIGEST.upper(), DIGEST[:-1] + "g", DIGEST + "0"])
def test_only_a_sha256_hex_digest_makes_a_marker(digest):
    with pytest.raises(ValueError):
        digest_marker(digest)


@pytest.mark.parametrize("options, alertmanagers", [
    ({}, ()),
    ({"monitor_k8s": True}, (AlertmanagerTarget("10.0.0.7", 9093),)),
    ({"external_labels": json.dumps({"rule_files": "- '*.rules'", "b": "rule_files:"})}, ()),
])
def test_marking_the_rendered_text_equals_rendering_the_marked_config(options, alertmanagers):
    config = build_prometheus_config(make_config(**options), VERSION, alertmanagers)

    marked = mark_prometheus_yml(render_prometheus_yml(config), config, DIGEST)

    assert marked == render_prometheus_yml(with_digest_marker(config, DIGEST))
    assert digest_in_running_config(marked) == DIGEST


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
                       st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=("Cc",)),
                               min_size=1, max_size=20),
                       max_size=5))
def test_marking_equals_rendering_for_any_external_labels(labels):
    try:
        charm_config = make_config(external_labels=json.dumps(labels))
    except ConfigErrors:
        assume(False)  # labels the charm refuses never reach prometheus.yml
    config = build_prometheus_config(charm_config, VERSION)

    marked = mark_prometheus_yml(render_prometheus_yml(config), config, DIGEST)

    assert marked == render_prometheus_yml(with_digest_marker(config, DIGEST))


def test_marking_refuses_text_not_rendered_for_the_config():
    config = build_prometheus_config(make_config(), VERSION)

    with pytest.raises(ValueError):
        mark_prometheus_yml("global: {}\n", config, DIGEST)


@pytest.mark.parametrize("running, digest", [
    # as Prometheus reports it: rule_files joined to the config file's directory
    (f"global:\n  scrape_interval: 1m\nrule_files:\n- /etc/prometheus/config/*.rules\n"
     f"- /etc/prometheus/config/published-config-{DIGEST}/*\n", DIGEST),
    (f"rule_files:\n- '*.rules'\n- published-config-{DIGEST}/*\n", DIGEST),
    ("rule_files:\n- /etc/prometheus/config/*.rules\n", None),  # published before the marker
    ("global:\n  scrape_interval: 1m\n", None),
    (f"rule_files:\n- /x/published-config-{DIGEST[:-1]}/*\n", None),
    (f"rule_files:\n- /x/published-config-{DIGEST}/*.rules\n", None),
    (f"rule_files:\n- /x/not-published-config-{DIGEST}/*\n", None),
    (f"rule_files: published-config-{DIGEST}/*\n", None),
    ("rule_files:\n- {a: b}\n- 7\n", None),
    ("- a list\n", None),
    ("rule_files: [unclosed\n", None),
    ("", None),
])
def test_the_digest_is_read_back_from_the_running_config(running, digest):
    assert digest_in_running_config(running) == digest
