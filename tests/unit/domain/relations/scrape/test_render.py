"""Job names, target groups and files of metrics-endpoint relations."""

import json

import pytest

from domain.relations.metrics_endpoint import read
from domain.relations.scrape.render import render_relations
from domain.values.duration import Duration
from tests.support.scrape_relations import MODEL_UUID, scrape_relation

V2, V3 = (2, 53, 0), (3, 5, 0)
MINUTE, TEN = Duration.parse("1m"), Duration.parse("10s")


def rendered(*relations, version=V2, reserved=("prometheus",), room=1 << 20):
    read_all = tuple(read(r, version, MINUTE, TEN) for r in relations)
    return render_relations(tuple(r for r in read_all if r is not None), version, reserved, room)


def groups(result, index=0):
    return json.loads(result.target_files[index][1])


def test_names_carry_the_topology_and_collisions_a_digest_suffix():
    jobs = [{"job_name": "a", "static_configs": [{"targets": ["*:1"]}]},
            {"job_name": "a", "static_configs": [{"targets": ["*:2"]}]},
            {"static_configs": [{"targets": ["*:3"]}]}]
    result = rendered(scrape_relation("api", 1, jobs=jobs))

    names = [job.job_name for job in result.jobs]
    assert names[0] == "juju_lma_12345678_api_prometheus_scrape_a"
    assert names[1].startswith("juju_lma_12345678_api_prometheus_scrape_a_") and len(names[1]) == len(names[0]) + 17
    assert names[2] == "juju_lma_12345678_api_prometheus_scrape"


def test_identical_jobs_are_dropped_with_a_note():
    job = {"job_name": "a", "static_configs": [{"targets": ["*:1"]}]}
    result = rendered(scrape_relation("api", 1, jobs=[job, job]))

    assert len(result.jobs) == 1
    assert result.notes == ((1, "job a is a duplicate; dropped"),)


def test_an_aggregator_keeps_its_names_and_labels_but_not_a_reserved_name():
    jobs = [{"job_name": "prometheus", "static_configs": [{"targets": ["h:1"], "labels": {"juju_application": "x"}}]}]
    relation = scrape_relation("proxy", 1, jobs=jobs, app_bag={"scrape_jobs": json.dumps(jobs)})

    result = rendered(relation)

    [job] = result.jobs
    assert job.job_name.startswith("prometheus_") and "relabel_configs" not in dict(job.fields)
    assert groups(result) == [{"labels": {"juju_application": "x"}, "targets": ["h:1"]}]


def test_targets_expand_per_unit_match_units_by_address_or_fqdn_and_keep_the_rest():
    jobs = [{"metrics_path": "/m", "static_configs": [
        {"targets": ["*:80", "api-1.svc:81", "10.0.0.0:82", "other:83"], "labels": {"t": "x", "juju_unit": "no"}}]}]
    units = [{"prometheus_scrape_unit_address": "10.0.0.0", "prometheus_scrape_unit_path": "/sub"},
             {"prometheus_scrape_unit_address": "10.0.0.1", "prometheus_scrape_unit_fqdn": "api-1.svc"}]
    result = rendered(scrape_relation("api", 1, jobs=jobs, unit_bags=units))

    assert groups(result) == [
        {"labels": {"t": "x", "juju_unit": "api/0", "__metrics_path__": "/sub/m"},
         "targets": ["10.0.0.0:80", "10.0.0.0:82"]},
        {"labels": {"t": "x", "juju_unit": "api/1"}, "targets": ["10.0.0.1:80", "api-1.svc:81"]},
        {"labels": {"t": "x"}, "targets": ["other:83"]},
    ]


def test_ipv6_unit_addresses_are_bracketed():
    result = rendered(scrape_relation("api", 1, unit_bags=[{"prometheus_scrape_unit_address": "fd00::1"}]))

    assert groups(result)[0]["targets"] == ["[fd00::1]:8080"]


def test_topology_is_set_by_the_job_and_again_after_the_scrape():
    [job] = rendered(scrape_relation("api", 1)).jobs
    fields = dict(job.fields)

    assert fields["honor_labels"] is True
    assert fields["relabel_configs"][:5] == [
        {"target_label": "juju_model", "replacement": "lma"},
        {"target_label": "juju_model_uuid", "replacement": MODEL_UUID},
        {"target_label": "juju_application", "replacement": "api"},
        {"target_label": "juju_charm", "replacement": "some-charm"},
        {"source_labels": ["juju_model", "juju_model_uuid", "juju_application", "juju_unit"], "separator": "_",
         "regex": "(.+_.+_.+_.+)", "target_label": "instance"}]
    assert fields["metric_relabel_configs"] == fields["relabel_configs"][:3]
    target_file = rendered(scrape_relation("api", 1)).target_files[0][0]
    assert fields["file_sd_configs"] == [{"files": [f"../scrape-targets/{target_file}"]}]


@pytest.mark.parametrize("version, present", [(V2, False), (V3, True)])
def test_the_fallback_scrape_protocol_is_set_on_3_only(version, present):
    [job] = rendered(scrape_relation("api", 1), version=version).jobs

    assert (dict(job.fields).get("fallback_scrape_protocol") == "PrometheusText0.0.4") is present


def test_a_relation_too_large_alone_is_dropped_and_the_others_stay():
    big = [{"job_name": f"j{i}", "static_configs": [{"targets": ["*:1"]}]} for i in range(50)]
    result = rendered(scrape_relation("big", 1, jobs=big, units=20), scrape_relation("api", 2), room=40_000)

    assert [job.job_name for job in result.jobs] == ["juju_lma_12345678_api_prometheus_scrape"]
    assert result.notes[0][0] == 1 and "more than the 40000 one relation may" in result.notes[0][1]


def test_secrets_and_certificates_become_files_the_job_points_at():
    from tests.support.tls import CERT_PEM
    jobs = [{"job_name": "a", "authorization": {"credentials": "tok"}, "tls_config": {"ca_file": CERT_PEM}}]
    result = rendered(scrape_relation("api", 1, jobs=jobs))
    fields = dict(result.jobs[0].fields)

    [(ca_name, ca)] = result.config_files
    [(secret_name, secret)] = result.secrets
    assert (ca, secret) == (CERT_PEM, "tok")
    assert fields["tls_config"] == {"ca_file": ca_name}
    assert fields["authorization"] == {"type": "Bearer", "credentials_file": f"../scrape-secrets/{secret_name}"}


def test_the_budget_counts_the_target_lists_and_names_the_endpoint():
    from domain.kubernetes.budget import SpecTooLarge
    from tests.support.scrape_relations import plan_with

    many = [{"job_name": f"j{i}", "static_configs": [{"targets": [f"*:{1000 + i}"], "labels": {"pad": "x" * 200}}]}
            for i in range(100)]
    relations = [scrape_relation(f"app{n}", n, jobs=many, units=20) for n in range(3)]

    with pytest.raises(SpecTooLarge, match=r"ConfigMap prometheus-targets-config would be \d+ bytes.*"
                                           r"largest: metrics-endpoint \(\w+\.json\)"):
        plan_with(relations)
    assert plan_with(relations[:1]).dropped == ()  # one of them alone fits
