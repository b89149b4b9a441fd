"""The one YAML emitter: the same document gives the same, readable text, which reads back the same."""

import yaml

from domain.prometheus.yaml_text import to_yaml


def test_keys_stay_in_the_order_given_in_block_style():
    text = to_yaml({"b": 1, "a": {"z": [1, 2], "y": "x"}})

    assert text == "b: 1\na:\n  z:\n  - 1\n  - 2\n  y: x\n"


def test_text_outside_ascii_is_written_as_typed_and_reads_back():
    document = {"summary": "température élevée sur {{ $labels.instance }}", "title": "監視"}

    text = to_yaml(document)

    assert "température élevée" in text and "監視" in text  # not \xE9 escapes
    assert yaml.safe_load(text) == document


def test_multi_line_text_is_a_block_and_long_text_is_not_folded():
    expr = "sum by (job) (\n  rate(http_requests_total[5m])\n)"
    long = "x" * 300

    text = to_yaml({"expr": expr, "long": long})

    assert "expr: |-\n  sum by (job) (\n    rate(" in text
    assert f"long: {long}\n" in text
    assert yaml.safe_load(text) == {"expr": expr, "long": long}
