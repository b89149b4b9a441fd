"""The ``grafana-dashboard`` endpoint (provides, interface ``grafana_dashboard``): a Prometheus
overview dashboard for today's Grafana charm. Pure: data in, relation data out.

What today's Grafana charm reads is defined by its library,
canonical/grafana-k8s-operator ``lib/charms/grafana_k8s/v0/grafana_dashboard.py`` (LIBAPI 0,
LIBPATCH 46), ``GrafanaDashboardConsumer._render_dashboards_and_signal_changed``. It reads the
**application** bag of the providing side only (so only the leader writes it), one key:

``dashboards``
    JSON object::

        {"templates": {"file:prometheus-overview": TEMPLATE}, "uuid": "<uuid>"}

    The consumer pops ``templates`` (it must be there) and ignores ``uuid``. The library's own
    provider (``GrafanaDashboardProvider._upset_dashboards_on_relation``) writes a random
    ``uuid4`` there so that re-writing the same templates still changes the bag; this charm
    writes a UUID derived from the templates instead, so the same dashboard always gives the same
    bytes and rewriting it is no change at all (the consumer only signals a change when the
    rendered dashboards differ from what it stored).

TEMPLATE (``CharmedDashboard._content_to_dashboard_object``; ids ``file:<name>`` are those of
dashboards the provider reads from files, ``CharmedDashboard.load_dashboards_from_dir``):

``charm``
    the charm's name (metadata.yaml ``name``).
``content``
    the dashboard JSON, UTF-8, compressed with ``lzma.compress`` (xz container) and then
    standard base64 (``cosl.LZMABase64.compress``, canonical/cos-lib
    ``src/cosl/grafana_dashboard.py``, which uses preset 6; this charm uses preset 0, see
    ``relation.compress``); the consumer undoes it with ``LZMABase64.decompress`` (base64, then
    ``lzma.decompress``, which reads any preset) and ``json.loads``. A template whose content
    does not decompress makes the consumer drop every dashboard of the relation and answer with
    an ``event`` key in its own app bag.
``juju_topology``
    ``{"model", "model_uuid", "application"[, "unit"]}``. Only its keys matter: when it is not
    empty the consumer runs ``cos-tool transform`` on every panel expression and adds, to every
    vector selector that lacks it, ``juju_<key>=~"$juju_<key>"`` (``CosTool.inject_label_matchers``;
    canonical/cos-tool ``pkg/tool/promql_transform.go`` skips labels a selector already matches
    on). This dashboard writes those matchers itself, so what Grafana runs is what the tests ran.
``inject_dropdowns``
    ``true``: the consumer adds its Juju topology variables (``juju_model``, ``juju_model_uuid``,
    ``juju_application``, ``juju_unit``: query variables on ``label_values(up{...}, <label>)``,
    multi-value, "All" = ``.*``) and its datasource variables (``prometheusds`` of type
    ``prometheus``, ``lokids``) (``CharmedDashboard._convert_dashboard_fields``,
    ``TOPOLOGY_TEMPLATE_DROPDOWNS``, ``DATASOURCE_TEMPLATE_DROPDOWNS``). The dashboard carries no
    ``templating`` of its own, so the consumer inserts exactly its own list, whatever its
    version, and no variable can appear twice.
``dashboard_alt_uid``
    ``shake_256("<charm>-<id>").hexdigest(8)``, as ``CharmedDashboard._generate_alt_uid``; the
    consumer uses it only for a dashboard without ``uid``.

Panels name their datasource ``{"type": "prometheus", "uid": "${prometheusds}"}``: without
templates of the dashboard's own, the consumer sets ``uid`` of every panel whose datasource type
is ``prometheus`` to ``${prometheusds}`` (``CharmedDashboard._template_panels``), the variable it
adds, which Grafana binds to the related Prometheus datasource. The dashboard's ``uid`` is 40 hex
digits from ``shake_256("<charm>-prometheus-overview")``, the form ``cosl.DashboardPath40UID``
accepts and keeps, and it is tagged ``charm: <charm>`` as ``CharmedDashboard._add_tags`` does.
"""
