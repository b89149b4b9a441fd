"""Prometheus rule files (the ``alert-rules`` option): parse, check, render. Pure: no I/O.

Owns the rule-file format ``promtool check rules`` reads. Prometheus does not start with a rule
file it cannot load, and the charm cannot run promtool in the workload pod, so
``parse_rule_file(text, version)`` refuses, in one line naming the place, whatever it can see
that the image's Prometheus ``version`` would not load. What changed between releases (keys,
names, PromQL syntax and functions, template functions) is in ``features.FEATURES``, one row a
feature with the release that added or removed it. Where Prometheus is laxer this package is
stricter, marked *policy* below; ``tests/e2e/test_rules_promtool.py`` judges every example and
generated files against the real promtool of each generation.

Modules: ``model`` (the typed values), ``checker`` (size bounds around the reader),
``yaml_tree`` (nodes, budget), ``reader`` (groups and rules), ``names`` (metric and label names),
``promql`` (expression tokens), ``go_lexer``/``go_number``/``go_template`` (templates), ``tokens`` (strings
and escapes both share), ``features`` (the version table), ``render`` (YAML out).

Checked as promtool checks it (2.42 and 3.x; versioned parts as ``features`` says):
- yaml: unknown keys, repeated keys, a list or mapping where one value belongs;
- groups: a non-empty name, unique in the file; ``interval``, ``query_offset`` durations; ``limit``
  a whole number up to 2**63-1, a Go int (*policy*: not negative, plain digits without leading
  zeros); ``labels`` as rule labels, never templates;
- rules: one of ``alert``/``record`` (*policy*: both keys is an error even if one is empty);
  ``record`` a metric name; ``for``, ``keep_firing_for``, ``annotations`` only on alerts
  (*policy*: even zero or empty); durations as ``domain.values.duration`` reads them, at most
  64 characters (*policy*: promtool also reads zeros padding one past that);
- names: label and annotation names ``[a-zA-Z_][a-zA-Z0-9_]*`` before 3.0, any UTF-8 from 3.0,
  not ``__name__``; alert names,
  label and annotation values any text, as promtool has it (*policy*: no control characters,
  except newline and tab in annotations; label names not starting with ``__``);
- templates in alert labels and annotations, parsed as Go text/template parses them: ``{{ }}``
  actions and comments closed; strings, characters, numbers well formed (and in int64, uint64 or
  float64 range); parentheses balanced;
  ``if``/``with``/``range``/``else``/``end`` nested, ``break``/``continue`` inside ``range``,
  ``define`` at the top; variables defined (``$labels``, ``$externalLabels``, ``$externalURL``,
  ``$value``, ``$``, and those declared by any pipeline, in Go's scopes); functions known to the version;
  operands apart; no value after ``|``. Argument counts and types are left to run time, as Go does.
- ``expr``, by a PromQL tokenizer (there is no parser here): not empty; outside strings only
  characters PromQL allows (no ``&``, ``|``, ``;``, ``$``, non-ASCII letters or non-breaking
  spaces); ``()``, ``{}``, ``[]`` balanced and nested; ``'``/``"`` strings closed on their line,
  raw strings closed; escapes valid (``\\.`` is refused: a regex dot is ``\\\\.``); ``#`` comments
  skipped; ``{}`` holds only matchers (``name op "string"`` with ``= != =~ !~``, from 3.0 also a
  quoted name alone) apart by commas; ``[]`` only a
  positive duration and an optional ``:step``; ``!`` only in ``!=``; a name before ``(`` is a
  PromQL function of the version (case-sensitive) or keyword, one before ``by``/``without`` an
  aggregation; experimental functions are refused
  (the charm sets no ``--enable-feature``); ``@``, negative offsets, ``_`` in numbers, quoted
  names and unit-less durations as ``features`` says.
- size: at most 1 MiB (a ConfigMap's limit), as given and as rendered (yaml aliases expand);
  lists and mappings at most 64 deep (a valid file needs 6), counted before any node is built.

Not checked in ``expr``, so accepted here and refused by Prometheus when it loads the file: the
grammar past the tokens, e.g. operand order and types (``up[5m] > 1``), argument counts, where
``on``/``offset``/``@`` may stand (``by``/``without`` after a non-aggregation
are caught), number syntax (``1e``), a metric name given twice.
Not supported (*policy*): several yaml documents, merge keys (``<<``), yaml tags beyond the core
scalar ones.
"""

from domain.rules.model import MAX_RULE_FILE_BYTES, Pairs, Rule, RuleFile, RuleGroup
from domain.rules.render import render_rule_file
from domain.values.version import Version


def parse_rule_file(text: str, version: Version) -> RuleFile:
    """``checker.parse_rule_file``, imported on first use: the checker (PromQL, Go templates,
    the version table) is most of this package's import time, and a hook whose options and
    relations hold no rules never needs it. The empty file (the option's default) is read here,
    as the checker reads it."""
    if not text:
        return RuleFile(groups=())
    from domain.rules.checker import parse_rule_file as parse

    return parse(text, version)


__all__ = ["MAX_RULE_FILE_BYTES", "Pairs", "Rule", "RuleFile", "RuleGroup", "parse_rule_file", "render_rule_file"]
