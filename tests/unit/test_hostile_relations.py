"""Hostile relation data on every endpoint, each beside one well-behaved relation per endpoint.

The per-endpoint tables (test_hostile_scrape, test_hostile_rules, the remote-write and
alerting tests) show what each reader makes of bad data alone; this table shows that bad data
on one endpoint disturbs nothing else. Each row names its endpoint, its hostile bags and what
must become of them:

* ``dropped``: a DroppedBag of the hostile relation whose reason holds the row's words, and
  nothing of it published: files, pod spec and resources are those of the good set alone;
* ``ignored``: not even a note (the endpoint reads nothing, or the data adds nothing new);
  the publication is that of the good set alone;
* ``kept``: the usable part is used (the row's own check says how), the unsafe part is not.

Every row runs twice, the hostile relation older (lower id) and newer than the good ones, and
the good relations' scrape jobs, target/CA/secret files, rule files, flags, alerting entries,
remote_write entries and relation writes must be byte-identical to the baseline. Every
hostile field carries ``MARK`` (``SECRET`` for credentials): neither may reach a ConfigMap
file, the pod spec or a k8s resource, except a credential in the scrape Secret.
"""

import json
from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence

import pytest

from domain.plan import Plan
from domain.relations.data import Bag, Relation
from domain.relations.endpoints import (
    ALERTMANAGER_DISPATCH,
    GRAFANA_DASHBOARD,
    GRAFANA_SOURCE,
    HTTP_API,
    LEGACY_ALERTMANAGER,
    METRICS_ENDPOINT,
    RECEIVE_REMOTE_WRITE,
    SELF_METRICS,
    SEND_REMOTE_WRITE,
)
from domain.relations.scrape.job import check_job
from domain.relations.scrape.render import _digest
from domain.values.duration import Duration
from tests.support.builders import VERSION
from tests.support.hostile_relations import (
    GOOD_JOB_NAMES,
    GOOD_SECRET,
    GOOD_SET,
    alertmanager_entries,
    document,
    files,
    good_outputs,
    metadata,
    plan_for,
    published_text,
    relation,
    remote_writes,
    scrape_secret,
)

MARK = "zq9mark"
SECRET = "zq9secret"
TOKEN = f"/var/run/secrets/kubernetes.io/serviceaccount/{MARK}"
OLDER, NEWER = 3, 40  # the hostile relation's id: before and after the good set's 10-18


@dataclass(frozen=True)
class Row:
    id: str
    endpoint: str
    app_bag: Dict[str, str]
    unit_bags: Sequence[Dict[str, str]]
    outcome: str  # dropped | ignored | kept
    reason: str = ""  # words of the DroppedBag reason ("" with ignored)
    check: Optional[Callable[[Plan, int], None]] = None  # for kept: what must be used, and how
    app: str = "evil"
    unreadable: str = ""  # "app" or "unit": that bag cannot be read
    once: bool = False  # the order of relations cannot matter (and the row is slow): newer only

    def relation(self, rid: int) -> Relation:
        found = relation(self.endpoint, rid, self.app, self.app_bag, self.unit_bags)
        if self.unreadable == "app":
            found = replace(found, app=Bag(self.app, (), f"permission denied {MARK}"))
        elif self.unreadable == "unit":
            found = replace(found, units=(Bag(f"{self.app}/0", (), f"permission denied {MARK}"),))
        return found


def dumps(value) -> str:
    return json.dumps(value)


# -- metrics-endpoint ------------------------------------------------------------------------

UNIT = {"prometheus_scrape_unit_address": "10.7.0.1", "prometheus_scrape_unit_name": "evil/0"}


def scrape(*jobs, meta: Optional[str] = None, **bag) -> Dict[str, str]:
    found = {"scrape_metadata": metadata("evil") if meta is None else meta, "scrape_jobs": dumps(list(jobs))}
    found.update(bag)
    return {k: v for k, v in found.items() if v}


def job(**fields) -> dict:
    return {"job_name": "x", "static_configs": [{"targets": ["*:9100"]}], **fields}


def me(name: str, *jobs, reason: str, outcome: str = "dropped", units=(UNIT,), check=None, **bag) -> Row:
    return Row(name, METRICS_ENDPOINT, scrape(*jobs, **bag), units, outcome, reason, check)


def evil_jobs(result: Plan) -> List[dict]:
    return [j for j in document(result)["scrape_configs"] if j["job_name"] not in GOOD_JOB_NAMES
            and j["job_name"] != "prometheus"]


def event(result: Plan, rid: int) -> dict:
    [found] = [dict(w.items)["event"] for w in result.relation_writes if w.relation_id == rid and w.app]
    return json.loads(found)


def one_evil_job(*absent: str, secret: str = ""):
    def check(result: Plan, rid: int) -> None:
        [found] = evil_jobs(result)
        assert found["job_name"].startswith("juju_lma_12345678_evil_prometheus_scrape")
        assert not set(absent) & set(found), found
        if secret:
            section = found["basic_auth" if "basic_auth" in found else "authorization"]
            key = (section.get("password_file") or section["credentials_file"]).rsplit("/", 1)[1]
            assert scrape_secret(result)[key] == secret
    return check


def renamed_beside_good(result: Plan, rid: int) -> None:
    names = [j["job_name"] for j in evil_jobs(result)]
    assert len(names) == 1 and names[0].startswith(f"{GOOD_JOB_NAMES[0]}_"), names


def _suffix_of(raw: dict) -> str:
    """The digest suffix the renderer gives ``raw`` when its name is taken."""
    checked = check_job(raw, VERSION, Duration.parse("1m"), Duration.parse("10s"))
    return _digest([checked.fields, checked.static_configs, checked.files, checked.name])


SECOND = {"job_name": GOOD_JOB_NAMES[0], "static_configs": [{"targets": ["10.7.0.9:9100"]}]}
FIRST = {"job_name": f"{GOOD_JOB_NAMES[0]}_{_suffix_of(SECOND)}", "static_configs": [{"targets": ["10.7.0.8:9100"]}]}


def two_distinct_evil_jobs(result: Plan, rid: int) -> None:
    names = [j["job_name"] for j in evil_jobs(result)]
    assert len(names) == 2 and len(set(names)) == 2, names


def evil_rule_file(result: Plan, rid: int, endpoint: str = METRICS_ENDPOINT) -> str:
    [text] = [v for k, v in files(result).items() if k.startswith("cfg/") and f"_{endpoint}_{rid}.rules" in k]
    return text


def rules_scoped_to(app: str, *absent: str, endpoint: str = METRICS_ENDPOINT):
    def check(result: Plan, rid: int) -> None:
        text = evil_rule_file(result, rid, endpoint)
        assert f'juju_application="{app}"' in text and "juju_application: " + app in text, text
        for word in absent:
            assert word not in text, text
    return check


def rules(*rule_list, name="evil", **group) -> str:
    return dumps({"groups": [{"name": name, "rules": list(rule_list), **group}]})


ALERT = {"alert": "EvilUp", "expr": "up"}
DEEP = "[" * 100_000 + "]" * 100_000
# A rule file just under its own 1 MiB bound, which does not fit beside the good set's files.
FILLING = rules(dict(ALERT, annotations={"d": MARK + "x" * 1_047_500}))  # alone more than a relation may
FIT = "one relation may; none of its rules are used"

METRICS_ROWS = [
    me("password_file", job(basic_auth={"username": "u", "password_file": TOKEN}), reason="local files"),
    me("credentials_file", job(authorization={"credentials_file": TOKEN}), reason="local files"),
    me("bearer_token_file", job(bearer_token_file=TOKEN), reason="local files"),
    me("ca_file path", job(tls_config={"ca_file": TOKEN}), reason="PEM"),
    me("cert and key files", job(tls_config={"cert_file": TOKEN, "key_file": TOKEN}), reason="not accepted"),
    me("kubernetes_sd api_server", job(kubernetes_sd_configs=[{"role": "pod", "api_server": f"https://{MARK}"}]),
       reason="discover"),
    me("file_sd", job(file_sd_configs=[{"files": [TOKEN]}]), reason="discover"),
    me("proxy to API service name", job(proxy_url=f"https://kubernetes.default.svc.{MARK}.example:443"),
       reason="Kubernetes API"),
    me("proxy to API service ip", job(job_name=MARK, proxy_url="http://10.152.183.1:443"), reason="Kubernetes API"),
    me("proxy to metadata service", job(job_name=MARK, proxy_url="http://169.254.169.254:80"), reason="link-local"),
    me("proxy with credentials", job(proxy_url=f"http://u:{SECRET}@proxy:3128"), reason="http(s)://host"),
    me("relabel claims juju_application", job(relabel_configs=[{"target_label": "juju_application",
                                                                 "replacement": MARK}]), reason="juju_"),
    me("relabel moves __address__", job(relabel_configs=[{"target_label": "__address__",
                                                          "replacement": f"{MARK}:80"}]), reason="reserved"),
    me("target link-local", job(static_configs=[{"targets": ["169.254.169.254:80"], "labels": {"a": MARK}}]),
       reason="link-local"),
    me("label __address__", job(static_configs=[{"targets": ["*:1"], "labels": {"__address__": f"{MARK}:1"}}]),
       reason="label name"),
    me("metrics_path traversal", job(metrics_path=f"/../{MARK}?x=1"), reason="metrics_path"),
    me("params with control", job(params={"q": [f"{MARK}\n"]}), reason="control characters"),
    me("scheme file", job(scheme="file", metrics_path=f"/{MARK}"), reason="scheme"),
    me("jobs nested 100000 deep", reason="nested", scrape_jobs=DEEP),
    me("jobs not a list", reason="not a JSON list", scrape_jobs=dumps({"job_name": MARK})),
    me("jobs oversized", reason="bytes", scrape_jobs=dumps([job(params={MARK: ["x" * 1000] * 32})] * 20)),
    me("101 jobs", reason="more than the 100", scrape_jobs=dumps([job(metrics_path=f"/{MARK}")] * 101)),
    me("metadata claims api", job(metrics_path=f"/{MARK}"), reason="names the application",
       meta=metadata("api")),
    me("metadata not JSON", job(metrics_path=f"/{MARK}"), reason="scrape_metadata", meta="[" * 3000),
    me("unit claims api/0", job(), reason="own name",
       units=({"prometheus_scrape_unit_address": "10.7.0.1", "prometheus_scrape_unit_name": "api/0"},),
       outcome="kept", check=one_evil_job()),
    me("unit at metadata address", job(), reason="not an IP address or DNS name",
       units=({"prometheus_scrape_unit_address": "169.254.169.254", "prometheus_scrape_unit_path": f"/{MARK}"},),
       outcome="kept", check=one_evil_job()),
    me("unit path traversal", job(), reason="path",
       units=({"prometheus_scrape_unit_address": "10.7.0.1", "prometheus_scrape_unit_path": f"/../{MARK}"},),
       outcome="kept", check=one_evil_job()),
    Row("app bag unreadable", METRICS_ENDPOINT, scrape(job(metrics_path=f"/{MARK}")), (UNIT,), "dropped",
        "permission denied", unreadable="app"),
    me("ignored keys", job(honor_timestamps=MARK, enable_http2=MARK, follow_redirects=MARK), reason="ignored keys",
       outcome="kept", check=one_evil_job("honor_timestamps", "enable_http2", "follow_redirects")),
    me("inline password", job(basic_auth={"username": "u", "password": SECRET}), reason="", outcome="kept",
       check=one_evil_job(secret=SECRET)),
    me("password with a newline", job(basic_auth={"username": "u", "password": SECRET + "\n"}),
       reason="basic_auth password is empty"),
    me("inline credentials", job(authorization={"credentials": SECRET}), reason="", outcome="kept",
       check=one_evil_job(secret=SECRET)),
    me("aggregator takes a good job's name", {"job_name": GOOD_JOB_NAMES[0],
                                              "static_configs": [{"targets": ["10.7.0.9:9100"]}]},
       reason="", outcome="kept", check=renamed_beside_good, meta=""),
    me("aggregator takes the name a renamed job gets", FIRST, SECOND, reason="", outcome="kept",
       check=two_distinct_evil_jobs, meta=""),
    me("rule calls query()", reason="query", outcome="dropped", alert_rules=rules(
        dict(ALERT, annotations={"x": f'{{{{ query "{MARK}" }}}}'}))),
    me("rule selects api's series", reason="juju_application", outcome="dropped", alert_rules=rules(
        {"alert": MARK, "expr": 'up{juju_application="api"}'})),
    me("rules over 1 MiB", reason="1048576", alert_rules=rules(dict(ALERT, annotations={"x": MARK * 200_000}))),
    me("rules not JSON", reason="not valid JSON", alert_rules="{" + MARK),
    replace(me("rules filling the ConfigMap", reason=FIT, alert_rules=FILLING), once=True),
    me("rules claim api's labels", reason="", outcome="kept", alert_rules=rules(
        dict(ALERT, labels={"juju_application": "api", "juju_model": MARK})),
       check=rules_scoped_to("evil", 'juju_application="api"', "juju_application: api")),
    me("rules in api's group name", reason="", outcome="kept", alert_rules=rules(ALERT, name="lma_12345678_api_api"),
       check=rules_scoped_to("evil")),
]

# -- alertmanager-dispatch -------------------------------------------------------------------

AM = "am-0.am-endpoints.lma.svc.cluster.local:9093"


def am(name: str, *units: Dict[str, str], reason: str, outcome: str = "dropped", unreadable: str = "") -> Row:
    return Row(name, ALERTMANAGER_DISPATCH, {}, units, outcome, reason, unreadable=unreadable)


DISPATCH_ROWS = [
    am("url with user info", {"url": f"http://admin:{SECRET}@{MARK}:9093"}, reason="without credentials"),
    am("url to metadata service", {"url": f"http://169.254.169.254/{MARK}"}, reason="link-local"),
    am("url ipv6 link-local", {"url": f"http://[fe80::1]:9093/{MARK}"}, reason="link-local"),
    am("url v4-mapped link-local", {"url": f"http://[::ffff:169.254.169.254]/{MARK}"}, reason="link-local"),
    am("url unspecified", {"url": f"http://0.0.0.0:9093/{MARK}"}, reason="unspecified"),
    am("url with query", {"url": f"http://am:9093/?{MARK}=1"}, reason="query"),
    am("url file scheme", {"url": f"file://{TOKEN}"}, reason="expected http(s)"),
    am("url path traversal", {"url": f"http://am:9093/../{MARK}"}, reason="'..'"),
    am("url percent escape", {"url": f"http://am:9093/%2e%2e/{MARK}"}, reason="escaping"),
    am("url YAML injection", {"url": f"http://am:9093\n- targets: [{MARK}:1]"}, reason="expected http(s)"),
    am("url octal ip", {"url": f"http://010.0.0.1:9093/{MARK}"}, reason="DNS name or IP"),
    am("url oversized", {"url": f"http://{MARK}:9093/" + "a" * 5000}, reason="bytes"),
    am("scheme gopher", {"public_address": f"{MARK}:70", "scheme": "gopher"}, reason="not http or https"),
    am("port out of range", {"public_address": f"{MARK}:99999"}, reason="out of range"),
    am("unit bag unreadable", {}, reason="permission denied", unreadable="unit"),
    am("same address as the good one", {"url": f"http://{AM}"}, reason="", outcome="ignored"),
]

# -- alertmanager (legacy alerting_config) ---------------------------------------------------


def legacy_entry(**extra) -> dict:
    return {"kubernetes_sd_configs": [{"role": "pod", "selectors": [{"role": "pod", "label": "juju-app=evil"}]}],
            **extra}


def legacy(name: str, section, reason: str, outcome: str = "dropped", check=None) -> Row:
    text = section if isinstance(section, str) else dumps(section)
    return Row(name, LEGACY_ALERTMANAGER, {}, ({"alerting_config": text},), outcome, reason, check)


def pinned_to_model(result: Plan, rid: int) -> None:
    entries = [json.loads(e) for e in alertmanager_entries(result)]
    evil = [e for e in entries if "juju-app=evil" in json.dumps(e)]
    assert len(evil) == 1 and all(sd["namespaces"] == {"names": ["lma"]} for sd in evil[0]["kubernetes_sd_configs"])


LEGACY_ROWS = [
    legacy("api_server", {"alertmanagers": [{"kubernetes_sd_configs": [
        {"role": "pod", "api_server": f"https://{MARK}"}]}]}, "api_server"),
    legacy("tls_config ca_file", {"alertmanagers": [legacy_entry(tls_config={"ca_file": TOKEN})]}, "tls_config"),
    legacy("bearer_token_file", {"alertmanagers": [legacy_entry(bearer_token_file=TOKEN)]}, "bearer_token_file"),
    legacy("basic_auth password", {"alertmanagers": [legacy_entry(basic_auth={"username": "u", "password": SECRET})]},
           "basic_auth"),
    legacy("proxy_url", {"alertmanagers": [legacy_entry(proxy_url=f"http://{MARK}:3128")]}, "proxy_url"),
    legacy("alert_relabel_configs", {"alertmanagers": [legacy_entry()], "alert_relabel_configs": [
        {"target_label": "severity", "replacement": MARK}]}, "alert_relabel_configs"),
    legacy("relabel_configs", {"alertmanagers": [legacy_entry(relabel_configs=[{"replacement": MARK}])]},
           "relabel_configs"),
    legacy("role node", {"alertmanagers": [{"kubernetes_sd_configs": [{"role": "node", "selectors": [
        {"role": "node", "label": MARK}]}]}]}, "only pod"),
    legacy("dns_sd_configs", {"alertmanagers": [{"dns_sd_configs": [{"names": [MARK]}]}]}, "dns_sd_configs"),
    legacy("selector injection", {"alertmanagers": [{"kubernetes_sd_configs": [{"role": "pod", "selectors": [
        {"role": "pod", "label": f"juju-app=evil\n{MARK}: x"}]}]}]}, "label selector"),
    legacy("field selector", {"alertmanagers": [{"kubernetes_sd_configs": [{"role": "pod", "selectors": [
        {"role": "pod", "field": f"spec.nodeName={MARK}"}]}]}]}, "field selectors"),
    legacy("static target link-local", {"alertmanagers": [{"static_configs": [
        {"targets": ["169.254.169.254:80"], "labels": {"x": MARK}}]}]}, "only targets"),
    legacy("static target metadata", {"alertmanagers": [{"static_configs": [{"targets": ["169.254.169.254:80"]}],
                                                         "path_prefix": f"/{MARK}"}]}, "not host:port"),
    legacy("path_prefix traversal", {"alertmanagers": [legacy_entry(path_prefix=f"/../{MARK}")]}, "path_prefix"),
    legacy("api_version v9", {"alertmanagers": [legacy_entry(api_version=MARK)]}, "api_version"),
    legacy("duplicate keys", '{"alertmanagers": [], "alertmanagers": [{"x": "' + MARK + '"}]}', "twice"),
    legacy("nested deep", '{"alertmanagers": ' + "[" * 5000 + "]" * 5000 + "}", "deeper"),
    legacy("oversized", {"alertmanagers": [legacy_entry(path_prefix="/" + MARK * 3000)]}, "bytes"),
    legacy("not JSON", "{" + MARK, "not JSON"),
    legacy("namespaces elsewhere", {"alertmanagers": [legacy_entry(kubernetes_sd_configs=[
        {"role": "pod", "namespaces": {"names": [MARK, "kube-system"]},
         "selectors": [{"role": "pod", "label": "juju-app=evil"}]}])]}, "", "kept", pinned_to_model),
]

# -- send-remote-write -----------------------------------------------------------------------

MIMIR = "http://mimir-0.mimir-endpoints.lma.svc.cluster.local:9009/api/v1/push"


def rw(name: str, value, reason: str, outcome: str = "dropped", check=None, unreadable: str = "") -> Row:
    text = value if isinstance(value, str) else dumps(value)
    return Row(name, SEND_REMOTE_WRITE, {}, ({"remote_write": text},), outcome, reason, check, unreadable=unreadable)


def one_more_remote_write(url: str):
    def check(result: Plan, rid: int) -> None:
        assert json.dumps({"url": url}, sort_keys=True) in remote_writes(result)
        assert len(remote_writes(result)) == 2
    return check


SEND_ROWS = [
    rw("API service", {"url": f"https://kubernetes.default.svc:443/{MARK}"}, "Kubernetes API"),
    rw("API service, other cluster domain", {"url": f"https://kubernetes.default.svc.{MARK}.example/"},
       "Kubernetes API"),
    rw("metadata service", {"url": f"http://169.254.169.254/{MARK}"}, "link-local"),
    rw("user info", {"url": f"http://u:{SECRET}@mimir:9009/api/v1/push"}, "without credentials"),
    rw("file scheme", {"url": f"file://{TOKEN}"}, "expected http(s)"),
    rw("query", {"url": f"http://mimir:9009/push?{MARK}=1"}, "query"),
    rw("newline", {"url": f"http://mimir:9009/push\n  bearer_token_file: {TOKEN}"}, "need escaping"),
    rw("not JSON", "{" + MARK, "not JSON"),
    rw("a list", [f"http://{MARK}:9009/"], "not an object with a string 'url'"),
    rw("nested deep", "[" * 2000 + "]" * 2000, "not JSON"),
    rw("oversized", {"url": f"http://{MARK}:9009/" + "a" * 5000}, "bytes"),
    rw("unreadable", {}, "permission denied", unreadable="unit"),
    rw("same receiver as the good one", {"url": MIMIR}, "", "ignored"),
    rw("extra keys with files", {"url": "http://thanos:19291/api/v1/receive", "bearer_token_file": TOKEN,
                                 "basic_auth": {"password": SECRET}, "tls_config": {"ca_file": TOKEN}}, "", "kept",
       one_more_remote_write("http://thanos:19291/api/v1/receive")),
]

# -- receive-remote-write --------------------------------------------------------------------


def rx(name: str, reason: str, outcome: str = "dropped", check=None, unreadable: str = "", **bag) -> Row:
    return Row(name, RECEIVE_REMOTE_WRITE, bag, ({},), outcome, reason, check, unreadable=unreadable)


def received_event(reason: str):
    def check(result: Plan, rid: int) -> None:
        found = json.loads(dict(next(w.items for w in result.relation_writes
                                     if w.relation_id == rid and w.app))["event"])
        assert found["valid"] is (not reason) and reason in found["errors"]
    return check


RECEIVE_ROWS = [
    rx("rule calls query()", "query", alert_rules=rules(dict(ALERT, annotations={"x": f'{{{{ query "{MARK}" }}}}'}))),
    rx("rules select agent's series", "juju_application",
       alert_rules=rules({"alert": MARK, "expr": 'up{juju_application="agent"}'})),
    rx("rules over 1 MiB", "1048576", alert_rules=rules(dict(ALERT, annotations={"x": MARK * 200_000}))),
    rx("rules nested deep", "deep", alert_rules='{"groups": ' + "[" * 10_000 + "]" * 10_000 + "}"),
    rx("rules with a files key", "'files'", alert_rules=dumps({"groups": [], "files": [TOKEN]})),
    replace(rx("rules filling the ConfigMap", FIT, check=lambda result, rid: None, alert_rules=FILLING), once=True),
    rx("app bag unreadable", "permission denied", unreadable="app", alert_rules=rules(ALERT)),
    rx("metadata claims agent", "", "kept", rules_scoped_to("evil", 'juju_application="agent"',
                                                           endpoint=RECEIVE_REMOTE_WRITE),
       alert_rules=rules(ALERT), scrape_metadata=metadata("agent")),
    rx("metadata with a path for a model", "", "kept", rules_scoped_to("evil", endpoint=RECEIVE_REMOTE_WRITE),
       alert_rules=rules(ALERT), scrape_metadata=metadata("evil", model=f"../../{MARK}")),
    rx("rules claim agent's labels", "", "kept",
       rules_scoped_to("evil", 'juju_application="agent"', endpoint=RECEIVE_REMOTE_WRITE),
       alert_rules=rules(dict(ALERT, labels={"juju_application": "agent", "juju_unit": MARK}))),
    rx("rules in agent's group name", "", "kept", rules_scoped_to("evil", endpoint=RECEIVE_REMOTE_WRITE),
       alert_rules=rules(ALERT, name="lma_12345678_agent_agent")),
]
for _row in RECEIVE_ROWS:
    if _row.outcome == "dropped" and not _row.unreadable and _row.check is None:
        object.__setattr__(_row, "check", received_event(_row.reason))

# -- endpoints the charm only writes to ------------------------------------------------------

WRITE_ONLY = (GRAFANA_SOURCE, GRAFANA_DASHBOARD, HTTP_API, SELF_METRICS)
EVERYTHING = {
    "scrape_jobs": dumps([job(bearer_token_file=TOKEN)]), "alert_rules": rules(ALERT), "url": f"http://{MARK}/",
    "remote_write": dumps({"url": f"http://{MARK}:9/"}), "alerting_config": dumps({"alertmanagers": [
        {"static_configs": [{"targets": [f"{MARK}:9093"]}]}]}), "grafana_source_host": f"{MARK}:3000",
    "scrape_metadata": metadata("evil"), "dashboards": MARK, "event": MARK, "prometheus_scrape_unit_address": MARK,
}
WRITE_ONLY_ROWS = [
    row for endpoint in WRITE_ONLY for row in (
        Row(f"{endpoint}: every key another endpoint reads", endpoint, EVERYTHING, (EVERYTHING, EVERYTHING),
            "ignored"),
        Row(f"{endpoint}: unreadable bags", endpoint, EVERYTHING, (), "ignored", unreadable="app"),
        Row(f"{endpoint}: nested and oversized", endpoint, {"data": DEEP[:200_000]},
            ({"x" * 300: MARK * 10_000},), "ignored"),
    )
]

ROWS = METRICS_ROWS + DISPATCH_ROWS + LEGACY_ROWS + SEND_ROWS + RECEIVE_ROWS + WRITE_ONLY_ROWS
BASELINE = plan_for(GOOD_SET)
GOOD_OUTPUTS = good_outputs(BASELINE)


def blank(row: Row, rid: int) -> Relation:
    return relation(row.endpoint, rid, row.app, {}, tuple({} for _ in row.unit_bags))


def test_the_table_covers_every_endpoint_with_sixty_rows():
    assert len(ROWS) >= 60 and len({(row.endpoint, row.id) for row in ROWS}) == len(ROWS)
    assert {row.endpoint for row in ROWS} == {r.endpoint for r in GOOD_SET}
    assert all(row.outcome in ("dropped", "ignored", "kept") for row in ROWS)
    assert all(row.check is not None for row in ROWS if row.outcome == "kept")


def test_the_good_set_alone_publishes_all_its_parts():
    doc = document(BASELINE)
    assert [j["job_name"] for j in doc["scrape_configs"]] == ["prometheus", *GOOD_JOB_NAMES]
    assert [set(entry) for entry in doc["remote_write"]] == [{"url"}]
    assert len(doc["alerting"]["alertmanagers"]) == 2 and BASELINE.dropped == ()
    assert sum(key.startswith("rules ") for key in GOOD_OUTPUTS) >= 2
    assert GOOD_SECRET in scrape_secret(BASELINE).values()
    assert not any(GOOD_SECRET in text for text in published_text(BASELINE).values())


RUNS = [(row, rid) for row in ROWS for rid in (OLDER, NEWER) if not (row.once and rid == OLDER)]


@pytest.mark.parametrize("row, rid", RUNS, ids=[f"{row.endpoint}: {row.id}-{'older' if rid == OLDER else 'newer'}"
                                                for row, rid in RUNS])
def test_a_hostile_relation_disturbs_nothing_else(row, rid):
    hostile = row.relation(rid)
    result = plan_for(GOOD_SET + (hostile,))  # (d): never raises

    names = [job["job_name"] for job in document(result)["scrape_configs"]]
    assert len(set(names)) == len(names), names  # Prometheus refuses the whole file otherwise

    # (a) the good relations' outputs, byte for byte
    outputs = good_outputs(result)
    assert outputs == GOOD_OUTPUTS, [k for k in set(outputs) | set(GOOD_OUTPUTS)
                                     if outputs.get(k) != GOOD_OUTPUTS.get(k)]
    assert all(entry in alertmanager_entries(result) for entry in alertmanager_entries(BASELINE))
    assert all(entry in remote_writes(result) for entry in remote_writes(BASELINE))
    assert all(d.relation == f"{row.endpoint}:{rid}" for d in result.dropped)

    # (b) the row's own outcome
    notes = [d.reason for d in result.dropped]
    if row.outcome in ("dropped", "ignored"):
        assert result.files == BASELINE.files
        assert result.pod_spec == BASELINE.pod_spec and result.k8s_resources == BASELINE.k8s_resources
    if row.outcome == "ignored":
        assert notes == []
    elif row.reason:
        assert notes and any(row.reason in note for note in notes), notes
    else:
        assert notes == [], notes
    if row.endpoint == METRICS_ENDPOINT:
        report = event(result, rid)
        assert report["valid"] is (not notes)
        assert all(note[:40] in report["errors"] + report["scrape_job_errors"] for note in notes)
    if row.endpoint in WRITE_ONLY:
        ours = [w for w in result.relation_writes if w.relation_id == rid]
        as_blank = [w for w in plan_for(GOOD_SET + (blank(row, rid),)).relation_writes if w.relation_id == rid]
        assert ours == as_blank and ours
    if row.check is not None:
        row.check(result, rid)

    # (c) no hostile value in any file, the pod spec or a resource; credentials in the Secret only
    for where, text in published_text(result).items():
        assert MARK not in text and SECRET not in text and "/var/run/secrets" not in text, where
    # ... and no credential in a message (status, log) or in what the charm writes in its bags
    assert not [note for note in notes if SECRET in note]
    assert not [write for write in result.relation_writes if SECRET in json.dumps(write.items)]
