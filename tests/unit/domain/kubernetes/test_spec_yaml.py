"""Registry credentials Juju would read as booleans or numbers: what ops writes, what Juju reads.

The claim, link by link: ops' own ``pod-spec-set`` writes some texts unquoted (observed through
ops with a stand-in hook tool), and go-yaml v2, through which Juju reads the spec, resolves
those plain scalars to non-strings (``go_yaml_v2_is_string``, checked against the real Go
library in tests/e2e/test_spec_yaml_go.py). The refusals follow from those two facts only.
"""

import os
import stat
from typing import Dict

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ResourceError
from domain.kubernetes.spec_yaml import go_yaml_v2_is_string, reaches_juju_as_string
from domain.values.image import MAX_FIELD_LENGTH, parse_image_resource

# (text, as ops writes it, whether go-yaml v2 reads that back as the same string)
CASES = [
    ("y", "y", False), ("Y", "Y", False), ("n", "n", False), ("N", "N", False),
    ("0o17", "0o17", False), ("0O17", "0O17", False), ("+0o17", "+0o17", False), ("0o_17", "0o_17", False),
    ("0X1F", "0X1F", False), ("0B1", "0B1", False), ("-0B1", "-0B1", False), ("+_1", "+_1", False),
    ("1e+5", "1e+5", False), ("1E-3", "1E-3", False), ("1e5", "1e5", False), ("1.5e3", "1.5e3", False),
    ("1_0e+5", "1_0e+5", False), (".5e3", ".5e3", False), ("+.5", "+.5", False), ("-.5e+3", "-.5e+3", False),
    ("08", "08", False), ("09", "09", False), ("019", "019", False),
    # PyYAML quotes what its own resolver reads as bool, int, float, null, timestamp, merge key
    ("yes", "'yes'", True), ("off", "'off'", True), ("true", "'true'", True), ("0x1F", "'0x1F'", True),
    ("0b101", "'0b101'", True), ("1_000", "'1_000'", True), ("1:20", "'1:20'", True), (".5", "'.5'", True),
    ("1.", "'1.'", True), ("~", "'~'", True), ("null", "'null'", True), ("<<", "'<<'", True), ("=", "'='", True),
    ("2001-12-14", "'2001-12-14'", True), ("0", "'0'", True), ("+1", "'+1'", True),
    # plain, and a string to go-yaml v2 too
    ("s3cret", "s3cret", True), ("_1", "_1", True), ("0b2", "0b2", True), ("2001-1-2", "2001-1-2", True),
    ("1e999", "1e999", True), (".5e999", ".5e999", True), ("+inf", "+inf", True), ("NaN", "NaN", True),
    ("0x1p-2", "0x1p-2", True), ("a b", "a b", True),
]
STAND_IN = "#!/bin/sh\n# pod-spec-set --file F [--k8s-resources F]: keep the spec file\ncp \"$2\" \"$SPEC_COPY\"\n"


@pytest.fixture
def ops_pod_spec_set(tmp_path, monkeypatch):
    """ops' own pod-spec-set (_ModelBackend.pod_spec_set), with a stand-in for Juju's hook tool."""
    from ops.model import _ModelBackend

    tool = tmp_path / "bin" / "pod-spec-set"
    tool.parent.mkdir()
    tool.write_text(STAND_IN)
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tool.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SPEC_COPY", str(tmp_path / "spec.yaml"))
    backend = _ModelBackend(unit_name="prometheus/0", model_name="lma", model_uuid="0")

    def written(image_details: Dict[str, str]) -> str:
        backend.pod_spec_set({"containers": [{"imageDetails": image_details}]})
        return (tmp_path / "spec.yaml").read_text()

    return written


def test_ops_writes_the_credentials_as_the_table_says(ops_pod_spec_set):
    for text, emitted, _ in CASES:
        spec = ops_pod_spec_set({"username": text, "password": text})

        assert f"- imageDetails:\n    password: {emitted}\n    username: {emitted}\n" in spec, text


@pytest.mark.parametrize("text, emitted, string", CASES)
def test_refused_exactly_where_ops_writes_a_plain_scalar_go_yaml_reads_as_no_string(text, emitted, string):
    assert reaches_juju_as_string(text) is string
    if not emitted.startswith("'"):
        # what is written plain, Juju reads by go-yaml v2's rules
        assert go_yaml_v2_is_string(text) is string


@given(st.text(alphabet="0123456789+-._eExXoObBnNyY:~ab", min_size=1, max_size=8))
def test_what_ops_quotes_always_reaches_juju(text):
    emitted = yaml.dump({"v": text}, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))

    if emitted.startswith(("v: '", 'v: "')):
        assert reaches_juju_as_string(text)


@pytest.mark.parametrize("name", ["username", "password", "registrypath"])
@pytest.mark.parametrize("text", ["y", "0o17", "1e+5", "08"])
def test_such_a_credential_is_refused_naming_the_resource_and_field_never_the_value(name, text):
    data = {"registrypath": "prom/prometheus:v2.53.0", "username": "me", "password": "s3cret", name: text}

    with pytest.raises(ResourceError) as caught:
        parse_image_resource(data)

    # the same words whatever the value: a credential never reaches the unit status
    assert str(caught.value) == (f"prometheus-image: Juju would read the {name} as a boolean or a "
                                 "number (like y, n, 0o17, 1e+5) and refuse the pod spec; choose another")


@pytest.mark.parametrize("value, problem", [
    ("s3\x00cret", "password contains control characters"),
    ("s3cret\n", "password contains control characters"),
    ("x" * (MAX_FIELD_LENGTH + 1), f"password is longer than {MAX_FIELD_LENGTH} characters"),
    (1234, "password is not text; quote it in the resource file"),
    (False, "password is not text; quote it in the resource file"),
])
def test_unusable_password_is_refused_naming_it(value, problem):
    with pytest.raises(ResourceError) as caught:
        parse_image_resource({"registrypath": "prom/prometheus:v2.53.0", "password": value})

    assert str(caught.value) == f"prometheus-image: {problem}"


def test_credentials_that_survive_are_kept_as_given():
    long_token = "eyJ" + "x" * (MAX_FIELD_LENGTH - 3)

    details = parse_image_resource({"registrypath": "r/p:v2.53.0", "username": "yes", "password": long_token})

    assert (details.username, details.password) == ("yes", long_token)
