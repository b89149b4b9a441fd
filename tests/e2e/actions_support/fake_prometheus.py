"""A stand-in for Prometheus, for the reload outcomes a real one cannot be made to produce.

Its command line carries the same flags as Prometheus (--config.file=..., --web.listen-address=...)
so the actions read them from /proc/<pid>/cmdline. It serves the two reload metrics on /metrics
(unless --no-http), counts SIGHUPs in --hup-file, and reacts to SIGHUP per --on-hup:
  accept  the reload succeeds (timestamp moves, successful 1)
  reject  the reload fails (successful 0, timestamp kept), like Prometheus with a bad file
  ignore  nothing changes (a reload that never completes)
"""

import argparse
import http.server
import signal
import threading
import time


def _ready(path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("ready")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config.file", dest="config_file", required=True)
    parser.add_argument("--web.listen-address", dest="listen", required=True)
    parser.add_argument("--hup-file", required=True)
    parser.add_argument("--on-hup", choices=("accept", "reject", "ignore"), default="accept")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--ready-file", required=True, help="written once SIGHUP is handled")
    opts = parser.parse_args()

    state = {"ts": time.time(), "ok": 1, "hups": 0}
    lock = threading.Lock()

    def on_hup(signum: int, frame: object) -> None:
        with lock:
            state["hups"] += 1
            if opts.on_hup == "accept":
                state["ts"], state["ok"] = time.time(), 1
            elif opts.on_hup == "reject":
                state["ok"] = 0
        with open(opts.hup_file, "w", encoding="utf-8") as out:
            out.write(str(state["hups"]))

    signal.signal(signal.SIGHUP, on_hup)

    if opts.no_http:
        _ready(opts.ready_file)
        while True:
            time.sleep(3600)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/metrics":
                self.send_error(404)
                return
            with lock:
                body = (
                    "# TYPE prometheus_config_last_reload_success_timestamp_seconds gauge\n"
                    f"prometheus_config_last_reload_success_timestamp_seconds {state['ts']!r}\n"
                    "# TYPE prometheus_config_last_reload_successful gauge\n"
                    f"prometheus_config_last_reload_successful {state['ok']}\n"
                ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    host, _, port = opts.listen.rpartition(":")
    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    _ready(opts.ready_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
