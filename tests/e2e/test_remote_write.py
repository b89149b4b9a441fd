"""Samples travel by remote write as the charm configures both ends, on each generation.

A real Prometheus runs the prometheus.yml the charm renders for a ``send-remote-write``
relation whose two units are (a) a second real Prometheus, started with the receiver flag the
charm gives that generation for a ``receive-remote-write`` relation, and (b) VictoriaMetrics;
the sender's samples (marked by an external label) are then queried back from each receiver.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator, List

import pytest

from domain.facts import Identity
from domain.plan import plan
from domain.prometheus.flags import remote_write_receiver_args
from domain.relations.data import Bag, Relation
from scripts.localrun.generations import victoria_metrics
from scripts.localrun.processes import ManagedProcess, free_port, http_get, wait_until_ready
from tests.support.builders import make_config, make_facts

pytestmark = pytest.mark.e2e
LOCAL = "127.0.0.1"


@pytest.fixture(scope="module")
def victoria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = victoria_metrics()
    if binary is None:
        pytest.skip("victoria-metrics is not installed: run scripts/setup")
    home = tmp_path_factory.mktemp("victoria")
    port = free_port()
    # Samples are queryable at once (no 30 s latency offset, no cached answers).
    process = ManagedProcess([binary, f"-httpListenAddr={LOCAL}:{port}", f"-storageDataPath={home / 'data'}",
                              "-search.latencyOffset=0s", "-search.disableCache"], home / "victoria.log")
    try:
        wait_until_ready(f"http://{LOCAL}:{port}/health", process)
        yield f"http://{LOCAL}:{port}"
    finally:
        process.stop()


def facts_with(image: str, *relations: Relation):
    facts = make_facts(image)
    identity = Identity(facts.identity.app, facts.identity.model, "12345678-1234-4234-8234-123456789abc",
                        "prometheus/0")
    return type(facts)(facts.image, identity, relations=relations)


def receiver_flags(image: str) -> List[str]:
    """The flags the charm adds for a ``receive-remote-write`` relation, from the pod spec."""
    receive = Relation("receive-remote-write", 7, "agent", Bag("agent"), (Bag("agent/0"),))
    facts = facts_with(image, receive)
    with_relation = plan(make_config(facts.image.version), facts).pod_spec["containers"][0]["args"]
    facts = facts_with(image)
    without = plan(make_config(facts.image.version), facts).pod_spec["containers"][0]["args"]
    return [arg for arg in with_relation if arg not in without]


def sender_yml(image: str, mark: str, *urls: str) -> str:
    units = tuple(Bag.of(f"receiver/{i}", {"remote_write": json.dumps({"url": url})}) for i, url in enumerate(urls))
    facts = facts_with(image, Relation("send-remote-write", 3, "receiver", Bag("receiver"), units))
    config = make_config(facts.image.version, scrape_interval="1s", scrape_timeout="1s",
                         external_labels=json.dumps({"sent_by": mark}))
    return plan(config, facts).prometheus_yml


def prometheus(binary: str, home: Path, port: int, config: str, *flags: str) -> ManagedProcess:
    home.mkdir()
    (home / "prometheus.yml").write_text(config)
    return ManagedProcess([binary, f"--config.file={home / 'prometheus.yml'}", f"--storage.tsdb.path={home / 'data'}",
                           f"--web.listen-address={LOCAL}:{port}", *flags], home / "prometheus.log", cwd=home)


def write_status(base: str) -> int:
    """What Prometheus answers to an empty remote-write request: 404 while the receiver is off,
    400 (not snappy-encoded protobuf) while it is on."""
    request = urllib.request.Request(f"{base}/api/v1/write", data=b"", method="POST",
                                     headers={"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def series(base: str, query: str) -> List[dict]:
    answer = json.loads(http_get(f"{base}/api/v1/query?{urllib.parse.urlencode({'query': query})}"))
    assert answer["status"] == "success", answer
    return list(answer["data"]["result"])


def test_samples_reach_a_prometheus_receiver_and_victoria_metrics(generation, tmp_path, victoria):
    flags = receiver_flags(generation.image)
    assert flags == ["--web.enable-remote-write-receiver"]  # both generations here are 2.33 or later
    receiver_port, sender_port = free_port(), free_port()
    mark = f"remote-write-e2e-{generation.name}"  # VictoriaMetrics serves both generations' tests
    receiver = prometheus(generation.prometheus, tmp_path / "receiver", receiver_port, "global: {}\n", *flags)
    sender = None
    try:
        wait_until_ready(f"http://{LOCAL}:{receiver_port}/-/ready", receiver)
        urls = (f"http://{LOCAL}:{receiver_port}/api/v1/write", f"{victoria}/api/v1/write")
        text = sender_yml(generation.image, mark, *urls)
        assert [f"- url: {url}" in text for url in urls] == [True, True]
        sender = prometheus(generation.prometheus, tmp_path / "sender", sender_port, text)
        wait_until_ready(f"http://{LOCAL}:{sender_port}/-/ready", sender)
        # the receiver takes writes thanks to the charm's flags: the sender, without them, does not
        assert [write_status(f"http://{LOCAL}:{port}") for port in (receiver_port, sender_port)] == [400, 404]

        query = f'up{{sent_by="{mark}",job="prometheus"}}'
        found = {}
        deadline = time.monotonic() + 20
        while len(found) < 2 and time.monotonic() < deadline:
            receiver.check_alive()
            sender.check_alive()
            http_get(f"{victoria}/internal/force_flush")
            for name, base in (("prometheus", f"http://{LOCAL}:{receiver_port}"), ("victoria", victoria)):
                got = series(base, query)
                if got:
                    found[name] = got
            time.sleep(0.25)
    finally:
        for process in (sender, receiver):
            if process is not None:
                process.stop()

    assert sorted(found) == ["prometheus", "victoria"], (found, sender.log()[-3000:] if sender else "")
    for got in found.values():
        assert got[0]["metric"]["sent_by"] == mark and got[0]["metric"]["job"] == "prometheus"


def test_the_feature_flag_of_2_25_to_2_32_is_a_real_feature_name(generation, tmp_path):
    """The flag the charm gives 2.25-2.32 images, run by the binaries at hand: 2.42 still honours
    it; 3.x lists it as deprecated and does not enable the receiver, hence the web flag there."""
    flags = remote_write_receiver_args((2, 30, 0))
    assert flags == ["--enable-feature=remote-write-receiver"]
    port = free_port()
    process = prometheus(generation.prometheus, tmp_path / "old-flag", port, "global: {}\n", *flags)
    try:
        wait_until_ready(f"http://{LOCAL}:{port}/-/ready", process)
        status = write_status(f"http://{LOCAL}:{port}")
    finally:
        process.stop()
    assert status == (400 if generation.version < (3, 0, 0) else 404)
