"""The judgements file (adapters.rules_cache): anything wrong with it is an empty memo, a save
replaces it whole and only when needed, and nothing about it can fail a hook."""

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

import pytest

from adapters import rules_cache
from adapters.rules_cache import FILE_NAME, MAX_FILE_BYTES, RulesCache, code_stamp
from domain.relations.endpoints import METRICS_ENDPOINT
from domain.relations.rules_memo import RulesMemo
from domain.relations.topology import Topology

STAMP = "a" * 64
RULES = json.dumps({"groups": [{"name": "g", "rules": [{"alert": "Down", "expr": "up == 0"}]}]})
TOPOLOGY = Topology("lma", "1234abcd-0000-4000-8000-000000000000", "api")


def used(memo: RulesMemo, *relation_ids: int) -> RulesMemo:
    for rid in relation_ids:
        memo.scoped(RULES, TOPOLOGY, (2, 53, 0), METRICS_ENDPOINT, rid)
    return memo


@pytest.fixture
def saved(tmp_path) -> RulesCache:
    """A cache whose file holds the judgements of relations 1 and 2."""
    cache = RulesCache(tmp_path / FILE_NAME, STAMP)
    cache.save(used(RulesMemo(STAMP), 1, 2))
    return cache


def test_what_is_saved_is_loaded_back(saved):
    memo = used(RulesMemo(STAMP, None), 1, 2)  # the file's judgements...
    loaded = RulesCache(saved.path, STAMP).load()

    assert loaded.known == 2 and loaded.stamp == STAMP
    used(loaded, 1, 2)
    assert (loaded.judged, loaded.reused) == (0, 2) and loaded.kept() == memo.kept()  # ...are those judged


def test_a_missing_file_is_an_empty_memo(tmp_path):
    memo = RulesCache(tmp_path / FILE_NAME, STAMP).load()

    assert memo.known == 0 and memo.stamp == STAMP


def corrupt_cases(text: bytes):
    head, _, body = text.partition(b"\n")
    header = json.loads(head)

    def signed(other: bytes) -> bytes:  # a body its header vouches for
        return json.dumps(dict(header, sha256=hashlib.sha256(other).hexdigest())).encode() + b"\n" + other

    return {
        "empty": b"",
        "not JSON": b"\x00\xff garbage",
        "header only": head,
        "cut short": text[:len(text) // 2],
        "a byte changed": text[:-10] + (b"X" if text[-10:-9] != b"X" else b"Y") + text[-9:],
        "header not an object": b"[1]\n" + body,
        "other format": json.dumps(dict(header, format="rules-memo/0")).encode() + b"\n" + body,
        "entries not an object": signed(b"[]"),
        "nested deep": signed(b"[" * 100_000 + b"]" * 100_000),
        "entries not JSON": signed(b"{'a': 1}"),
    }


CASES = ["empty", "not JSON", "header only", "cut short", "a byte changed", "header not an object",
         "other format", "entries not an object", "nested deep", "entries not JSON"]


@pytest.mark.parametrize("case", CASES)
def test_a_corrupt_file_is_an_empty_memo(saved, case, caplog):
    saved.path.write_bytes(corrupt_cases(saved.path.read_bytes())[case])

    with caplog.at_level(logging.DEBUG, logger=rules_cache.__name__):
        memo = RulesCache(saved.path, STAMP).load()

    assert memo.known == 0
    assert "not used" in caplog.text


def test_another_stamp_is_an_empty_memo(saved):
    assert RulesCache(saved.path, "b" * 64).load().known == 0
    assert RulesCache(saved.path, STAMP).load().known == 2


def test_a_file_larger_than_the_bound_is_not_read(saved, caplog):
    with saved.path.open("r+b") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: its size, not its bytes, refuses it

    with caplog.at_level(logging.DEBUG, logger=rules_cache.__name__):
        memo = RulesCache(saved.path, STAMP).load()

    assert memo.known == 0 and f"larger than {MAX_FILE_BYTES}" in caplog.text


def test_a_directory_in_its_place_is_an_empty_memo_and_a_logged_save(tmp_path, caplog):
    path = tmp_path / FILE_NAME
    path.mkdir()
    cache = RulesCache(path, STAMP)

    with caplog.at_level(logging.DEBUG, logger=rules_cache.__name__):
        memo = cache.load()
        cache.save(used(memo, 1))

    assert memo.known == 0
    assert "cannot save" in caplog.text and path.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no temporary file left


def test_an_unwritable_directory_is_logged_not_raised(tmp_path, caplog):
    blocker = tmp_path / "charm"
    blocker.write_text("a file where the charm directory should be")
    cache = RulesCache(blocker / FILE_NAME, STAMP)

    with caplog.at_level(logging.WARNING, logger=rules_cache.__name__):
        cache.save(used(cache.load(), 1))

    assert "cannot save" in caplog.text and "judges every relation's rules again" in caplog.text


def test_a_save_replaces_the_file_whole(saved):
    with saved.path.open("rb") as reader:  # a reader of the old file keeps reading all of it
        before = os.fstat(reader.fileno()).st_ino
        old = saved.path.read_bytes()
        memo = saved.load()
        saved.save(used(memo, 3))
        assert reader.read() == old

    assert saved.path.stat().st_ino != before
    assert RulesCache(saved.path, STAMP).load().known == 1
    assert sorted(p.name for p in saved.path.parent.iterdir()) == [FILE_NAME]


def test_unchanged_judgements_are_not_written_again(saved):
    before = saved.path.stat()
    memo = used(saved.load(), 2, 1)

    saved.save(memo)

    after = saved.path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    fewer = used(saved.load(), 1)  # a relation gone: its judgement goes too
    saved.save(fewer)
    assert saved.path.stat().st_ino != before.st_ino and saved.load().known == 1


def test_the_stamp_follows_the_domain_code(tmp_path):
    domain = Path(rules_cache.__file__).resolve().parent.parent / "domain"
    copy = tmp_path / "domain"
    shutil.copytree(domain, copy, ignore=shutil.ignore_patterns("__pycache__"))
    stamp = code_stamp(copy)
    assert stamp == code_stamp(domain) == code_stamp()

    scope = copy / "relations" / "rules_scope.py"
    scope.write_text(scope.read_text() + "\n")
    changed = code_stamp(copy)
    (copy / "relations" / "rules_scope.py").rename(copy / "relations" / "rules_scope2.py")
    renamed = code_stamp(copy)
    (copy / "extra.py").write_text("")
    added = code_stamp(copy)

    assert len({stamp, changed, renamed, added}) == 4


def test_without_sources_to_stamp_nothing_is_used_or_saved(tmp_path, saved, monkeypatch):
    empty = tmp_path / "no-domain"
    empty.mkdir()
    monkeypatch.setattr(rules_cache, "code_stamp", lambda: code_stamp(empty))
    cache = RulesCache(saved.path)
    before = saved.path.read_bytes()

    memo = cache.load()
    cache.save(used(memo, 5))

    assert memo.known == 0 and memo.stamp == "" and saved.path.read_bytes() == before


def test_the_cache_is_juju_s_charm_directory_or_none(monkeypatch, tmp_path):
    monkeypatch.setenv("JUJU_CHARM_DIR", str(tmp_path))
    cache = RulesCache.in_charm_dir()
    assert cache is not None and cache.path == tmp_path / FILE_NAME

    monkeypatch.delenv("JUJU_CHARM_DIR")
    assert RulesCache.in_charm_dir() is None  # ops' Harness: no charm directory of its own
