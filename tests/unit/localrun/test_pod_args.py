"""The local run's rewrite of the container args: paths under its root, every other value as written."""

from pathlib import Path

from domain.container import CONFIG_FILE
from scripts.localrun.pod import local_args


def test_only_path_flags_move_under_the_local_root(tmp_path: Path) -> None:
    args = [f"--config.file={CONFIG_FILE}", "--storage.tsdb.path", "/prometheus",
            "--web.listen-address=:9090", "--web.page-title=/x", "--web.external-url=http://a/prom",
            "--web.route-prefix", "/prom"]

    local = local_args(args, tmp_path, 4321)

    assert local == [f"--config.file={tmp_path}{CONFIG_FILE}", "--storage.tsdb.path", f"{tmp_path}/prometheus",
                     "--web.listen-address=127.0.0.1:4321", "--web.page-title=/x",
                     "--web.external-url=http://a/prom", "--web.route-prefix", "/prom"]
