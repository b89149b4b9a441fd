"""The credential check against the real thing: go-yaml v2 through sigs.k8s.io/yaml, as Juju reads.

Builds tests/support/goyaml_oracle with Debian's Go packages (golang-go,
golang-gopkg-yaml.v2-dev 2.4.0, golang-k8s-sigs-yaml-dev), offline; skipped where they are
not installed. Two claims, on the unit tests' cases and a few thousand generated texts:
``reaches_juju_as_string`` is true exactly where what ops writes decodes back to the same
string, and ``go_yaml_v2_is_string`` agrees with go-yaml on every plain scalar.
"""

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from domain.kubernetes.spec_yaml import go_yaml_v2_is_string, reaches_juju_as_string
from tests.unit.domain.kubernetes.test_spec_yaml import CASES

pytestmark = pytest.mark.e2e

ORACLE = Path(__file__).resolve().parents[1] / "support" / "goyaml_oracle"
GOPATH = "/usr/share/gocode"  # where Debian's golang-*-dev packages put their sources
OPS_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # ops._private.yaml.safe_dump's
NUMERIC = "0123456789+-._eExXoObB"  # where the two resolvers part
ALPHABET = NUMERIC + "pPnNyY:~ ai"


@pytest.fixture(scope="module")
def decode(tmp_path_factory):
    go = shutil.which("go")
    if go is None or not (Path(GOPATH) / "src" / "sigs.k8s.io" / "yaml").is_dir():
        pytest.skip("Go and Debian's golang-gopkg-yaml.v2-dev, golang-k8s-sigs-yaml-dev are not installed")
    binary = tmp_path_factory.mktemp("oracle") / "oracle"
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH, GOFLAGS="",
               GOCACHE=str(tmp_path_factory.mktemp("gocache")))
    subprocess.run([go, "build", "-o", str(binary), "."], cwd=ORACLE, env=env, check=True, timeout=300)

    def run(documents: List[str]) -> List[Dict[str, str]]:
        lines = "".join(json.dumps(d) + "\n" for d in documents)
        done = subprocess.run([str(binary)], input=lines, capture_output=True, text=True, check=True, timeout=120)
        return [json.loads(line) for line in done.stdout.splitlines()]

    return run


def corpus() -> List[str]:
    rng = random.Random(20)  # noqa: S311 (a reproducible corpus, not a secret)
    generated = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, length)))
                 for alphabet, length in ((NUMERIC, 5), (ALPHABET, 7)) for _ in range(3000)]
    return sorted({text for text, _, _ in CASES} | set(generated))


def test_what_ops_writes_decodes_to_the_same_text_exactly_where_the_charm_says(decode):
    texts = corpus()

    results = decode([yaml.dump({"password": text}, Dumper=OPS_DUMPER) for text in texts])

    wrong = [(text, result) for text, result in zip(texts, results)
             if (result.get("value") == text) is not reaches_juju_as_string(text)]
    assert wrong == []
    refused = sum(1 for result in results if "error" in result)
    assert refused > 50, refused  # the corpus does reach the cases that matter


def test_go_yaml_v2_resolves_plain_scalars_as_the_transcription_says(decode):
    def plain(text: str) -> bool:
        try:
            events = [e for e in yaml.parse(f"password: {text}\n") if isinstance(e, yaml.ScalarEvent)]
        except yaml.YAMLError:
            return False
        return len(events) == 2 and not events[1].style and events[1].value == text

    texts = [text for text in corpus() if plain(text)]

    results = decode([f"password: {text}\n" for text in texts])

    wrong = [(text, result) for text, result in zip(texts, results)
             if (result.get("value") == text) is not go_yaml_v2_is_string(text)]
    assert wrong == []
