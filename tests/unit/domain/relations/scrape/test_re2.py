"""The RE2 subset the charm accepts in relabel regexes (tests/e2e/test_scrape_relation.py holds
the same decisions against Go's regexp)."""

import pytest

from domain.relations.scrape.re2 import re2_refusal


@pytest.mark.parametrize("regex", [
    "", "a.*", "(a|b)+", "[a-z]+", "[^a-z0-9_]", "(?P<n>x)", "(?:a)", "(?i)abc", "a{2,3}?", "a{2}", "a{2,}",
    "\\d+\\.\\w*\\s?", "[\\d-z]", "[a-]", "^a$", "()", "a|", "é+", "\\.\\*\\(", "(a{10}){100}", "__meta_(.+)",
])
def test_accepted(regex):
    assert re2_refusal(regex) is None


@pytest.mark.parametrize("regex, reason", [
    ("a**", "after another"), ("x{2}{3}", "after another"), ("*a", "nothing to repeat"),
    ("a{1001}", "over 1000"), ("(a{1000}){2}", "nested repetitions"), ("a{3,2}", "m < n"), ("a{,2}", "{n}"),
    ("[z-a]", "ascend"), ("[]a]", "starting with ']'"), ("[[:alpha:]]", "inside a class"), ("[", "without its ']'"),
    ("(?=a)", "only (?:...)"), ("(?<n>a)", "only (?:...)"), ("(?P<1>a)", "group name"), ("(", "without its ')'"),
    (")", "without its '('"), ("\\1", "escape"), ("\\pL", "escape"), ("\\Qa\\E", "escape"), ("a\\", "trailing"),
    ("]", "unescaped"), ("a\x00", "control"), ("x" * 4097, "4097 characters"), ("(" * 40 + ")" * 40, "nested more"),
])
def test_refused(regex, reason):
    refusal = re2_refusal(regex)

    assert refusal is not None and reason in refusal
