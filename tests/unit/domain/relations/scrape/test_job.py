"""Job fragments accepted as Prometheus loads them, for the image's version."""

import pytest

from domain.errors import InvalidValue
from domain.relations.scrape.job import check_job
from domain.values.duration import Duration

MINUTE, TEN = Duration.parse("1m"), Duration.parse("10s")


def check(job, version=(2, 53, 0), interval=MINUTE, timeout=TEN):
    return check_job(job, version, interval, timeout)


def test_the_default_job_scrapes_every_unit_on_port_80():
    checked = check({})

    assert [c.targets for c in checked.static_configs] == [(("*", 80),)]
    assert dict(checked.fields) == {"metrics_path": "/metrics"}


@pytest.mark.parametrize("job, interval, accepted", [
    ({"scrape_interval": "5s"}, TEN, True),  # the timeout follows the interval down (min of both)
    ({"scrape_timeout": "20s"}, MINUTE, True),
    ({"scrape_timeout": "2m"}, MINUTE, False),
    ({"scrape_interval": "5s", "scrape_timeout": "5s"}, MINUTE, True),
    ({"scrape_interval": "0s"}, MINUTE, False),
])
def test_the_timeout_is_judged_against_the_interval_prometheus_would_use(job, interval, accepted):
    if accepted:
        check(job, interval=interval)
    else:
        with pytest.raises(InvalidValue):
            check(job, interval=interval)


@pytest.mark.parametrize("job, since", [
    ({"label_limit": 10}, (2, 27, 0)),
    ({"authorization": {"credentials": "c"}}, (2, 26, 0)),
])
def test_newer_fields_need_the_version_that_reads_them(job, since):
    check(job, version=since)
    with pytest.raises(InvalidValue, match="needs Prometheus >= " + ".".join(map(str, since))):
        check(job, version=(since[0], since[1] - 1, 0))


def test_utf8_label_names_are_for_3_only():
    job = {"static_configs": [{"targets": ["*:1"], "labels": {"é": "x"}}]}

    assert check(job, version=(3, 0, 0)).static_configs[0].labels == (("é", "x"),)
    with pytest.raises(InvalidValue, match="label name"):
        check(job, version=(2, 55, 0))


def test_keys_off_the_allow_list_are_reported_and_left_out():
    checked = check({"honor_labels": False, "scrape_protocols": ["x"], "metrics_path": "/m"})

    assert checked.ignored == ("honor_labels", "scrape_protocols")
    assert "honor_labels" not in dict(checked.fields)
