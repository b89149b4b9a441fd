# Helpers sourced by the shell actions in this directory.
#
# Pod-spec charm actions run inside the FIRST container of the workload pod, i.e. the
# prom/prometheus image: busybox /bin/sh and applets (wget, kill, pidof, awk, sed, tr ...),
# /bin/promtool, and no Python. Everything here is POSIX sh that works under busybox ash and
# dash: no `local`, no arrays, no bash-isms. Juju's hook tools (action-set, action-fail,
# action-log) are on PATH while an action runs.
#
# After prom_init the following are set:
#   PROM_PID          pid of the Prometheus process (PROMETHEUS_PID, else `pidof prometheus`, else 1)
#   PROM_CONFIG_FILE  --config.file (default /etc/prometheus/prometheus.yml), made absolute
#   PROM_LISTEN       --web.listen-address (default :9090)
#   PROM_WEB_CONFIG   --web.config.file, or empty
#   PROM_SCHEME       http, or https when the web config file has tls_server_config
#   PROM_METRICS_URL  where to read Prometheus's own metrics (loopback when it listens on all addresses)

# ---------------------------------------------------------------------------------------------
# Hook tools

# lib_log MESSAGE: progress note (action-log when available, always stderr).
lib_log() {
    printf '%s\n' "$1" >&2
    if command -v action-log >/dev/null 2>&1; then
        action-log "$1" || :
    fi
}

# lib_set KEY VALUE [KEY VALUE ...]: action results, in one action-set call (each call is a
# round trip to the operator). Values may hold newlines: each KEY=VALUE is one argv element.
lib_set() {
    lib_keys=
    lib_n=$(($# / 2))
    while [ "$lib_n" -gt 0 ]; do
        lib_keys="$lib_keys $1"
        lib_kv="$1=$2"
        shift 2
        set -- "$@" "$lib_kv"
        lib_n=$((lib_n - 1))
    done
    if ! action-set "$@"; then
        lib_fail "action-set refused the results:$lib_keys"
    fi
}

# lib_fail MESSAGE: mark the action failed with MESSAGE and exit 1.
lib_fail() {
    printf '%s\n' "$1" >&2
    if command -v action-fail >/dev/null 2>&1; then
        action-fail "$1" || :
    fi
    exit 1
}

# ---------------------------------------------------------------------------------------------
# The Prometheus process and its flags

prom_find_pid() {
    if [ -n "${PROMETHEUS_PID:-}" ]; then
        case $PROMETHEUS_PID in
            *[!0123456789]*) lib_fail "PROMETHEUS_PID is not a process id: '$PROMETHEUS_PID'" ;;
        esac
        PROM_PID=$PROMETHEUS_PID
    else
        PROM_PID=
        if command -v pidof >/dev/null 2>&1; then
            PROM_PID=$(pidof prometheus 2>/dev/null) || PROM_PID=
            PROM_PID=${PROM_PID%% *}
        fi
        [ -n "$PROM_PID" ] || PROM_PID=1
    fi
    if [ ! -r "/proc/$PROM_PID/cmdline" ]; then
        lib_fail "no Prometheus process: /proc/$PROM_PID/cmdline is not readable (pid $PROM_PID)"
    fi
}

# prom_read_flags: parse /proc/$PROM_PID/cmdline (NUL-separated). Flags may be given as
# --flag=value or as --flag value (kingpin accepts both); the first occurrence wins.
prom_read_flags() {
    PROM_CONFIG_FILE=
    PROM_LISTEN=
    PROM_WEB_CONFIG=
    prom_web_config_seen=
    prom_route_prefix=
    prom_external_url=
    prom_args=$(tr '\000' '\n' <"/proc/$PROM_PID/cmdline") ||
        lib_fail "cannot read /proc/$PROM_PID/cmdline"
    prom_argv0=${prom_args%%
*}
    prom_want=
    while IFS= read -r prom_a; do
        if [ -n "$prom_want" ]; then
            prom_set_flag "$prom_want" "$prom_a"
            prom_want=
            continue
        fi
        case $prom_a in
            --config.file=* | --web.listen-address=* | --web.config.file=* | \
                --web.route-prefix=* | --web.external-url=*)
                prom_set_flag "${prom_a%%=*}" "${prom_a#*=}"
                ;;
            --config.file | --web.listen-address | --web.config.file | \
                --web.route-prefix | --web.external-url)
                prom_want=$prom_a
                ;;
        esac
    done <<EOF
$prom_args
EOF
    case ${prom_argv0##*/} in
        prometheus) ;;
        *) lib_log "warning: process $PROM_PID is '${prom_argv0##*/}', not prometheus" ;;
    esac
    [ -n "$PROM_CONFIG_FILE" ] || PROM_CONFIG_FILE=/etc/prometheus/prometheus.yml
    [ -n "$PROM_LISTEN" ] || PROM_LISTEN=:9090
    # A relative --config.file is relative to the working directory of Prometheus, not ours.
    case $PROM_CONFIG_FILE in
        /*) ;;
        *)
            prom_cwd=$(readlink "/proc/$PROM_PID/cwd" 2>/dev/null) || prom_cwd=
            if [ -n "$prom_cwd" ]; then
                PROM_CONFIG_FILE=${prom_cwd%/}/$PROM_CONFIG_FILE
            else
                lib_log "warning: cannot resolve relative --config.file=$PROM_CONFIG_FILE against the cwd of pid $PROM_PID"
            fi
            ;;
    esac
}

prom_set_flag() {
    case $1 in
        --config.file) [ -n "$PROM_CONFIG_FILE" ] || PROM_CONFIG_FILE=$2 ;;
        --web.listen-address) [ -n "$PROM_LISTEN" ] || PROM_LISTEN=$2 ;;
        --web.config.file)
            if [ -z "$prom_web_config_seen" ]; then
                prom_web_config_seen=1
                PROM_WEB_CONFIG=$2
            fi
            ;;
        --web.route-prefix) [ -n "$prom_route_prefix" ] || prom_route_prefix=$2 ;;
        --web.external-url) [ -n "$prom_external_url" ] || prom_external_url=$2 ;;
    esac
}

# prom_metrics_url: derive PROM_SCHEME and PROM_METRICS_URL from the flags.
prom_metrics_url() {
    prom_port=${PROM_LISTEN##*:}
    prom_host=${PROM_LISTEN%:*}
    [ "$prom_host" != "$PROM_LISTEN" ] || prom_host=
    case $prom_host in
        '' | 0.0.0.0 | '[::]' | '::') prom_host=127.0.0.1 ;;
    esac
    # Endpoints live under --web.route-prefix, which defaults to the path of --web.external-url.
    prom_prefix=$prom_route_prefix
    if [ -z "$prom_prefix" ] && [ -n "$prom_external_url" ]; then
        prom_rest=${prom_external_url#*://}
        case $prom_rest in
            */*) prom_prefix=/${prom_rest#*/} ;;
        esac
    fi
    prom_prefix=${prom_prefix%/}
    case $prom_prefix in
        '' | /*) ;;
        *) prom_prefix=/$prom_prefix ;;
    esac
    PROM_SCHEME=http
    if [ -n "$PROM_WEB_CONFIG" ]; then
        # --web.config.file may configure TLS, basic auth, or both. Only TLS changes the scheme;
        # when the file cannot be read, assume TLS (the usual reason to pass it).
        if [ ! -r "$PROM_WEB_CONFIG" ] || grep -q '^[[:space:]]*tls_server_config:' "$PROM_WEB_CONFIG"; then
            PROM_SCHEME=https
        fi
    fi
    PROM_METRICS_URL=$PROM_SCHEME://$prom_host:$prom_port$prom_prefix/metrics
}

prom_init() {
    prom_find_pid
    prom_read_flags
    prom_metrics_url
}

# prom_require_config: fail unless the config file Prometheus runs from can be read.
prom_require_config() {
    if [ ! -e "$PROM_CONFIG_FILE" ]; then
        lib_fail "config file $PROM_CONFIG_FILE (--config.file of pid $PROM_PID) does not exist"
    fi
    if [ ! -f "$PROM_CONFIG_FILE" ] || [ ! -r "$PROM_CONFIG_FILE" ]; then
        lib_fail "config file $PROM_CONFIG_FILE (--config.file of pid $PROM_PID) is not a readable file"
    fi
}

# ---------------------------------------------------------------------------------------------
# promtool

# prom_validate: run `promtool check config`; sets PROM_VALID (true/false), PROM_CHECK_OUTPUT
# and PROM_CHECK_ERROR (the first error line). Fails the action when promtool is missing.
prom_validate() {
    if ! command -v promtool >/dev/null 2>&1; then
        lib_fail "promtool not found on PATH ($PATH): cannot validate $PROM_CONFIG_FILE"
    fi
    if PROM_CHECK_OUTPUT=$(promtool check config "$PROM_CONFIG_FILE" 2>&1); then
        PROM_VALID=true
        PROM_CHECK_ERROR=
    else
        PROM_VALID=false
        PROM_CHECK_ERROR=$(printf '%s\n' "$PROM_CHECK_OUTPUT" |
            awk '/FAILED/ { sub(/^[[:space:]]+/, ""); print; found = 1; exit }
                 END { if (!found) exit 1 }') ||
            PROM_CHECK_ERROR=$(printf '%s\n' "$PROM_CHECK_OUTPUT" |
                awk 'NF && $1 != "Checking" { sub(/^[[:space:]]+/, ""); print; exit }')
        [ -n "$PROM_CHECK_ERROR" ] || PROM_CHECK_ERROR="promtool exited with an error and printed nothing"
    fi
}

# ---------------------------------------------------------------------------------------------
# HTTP (busybox wget)

# prom_http_setup: choose how to bound wget in time: its -T when this wget has it (Debian's
# busybox does not), else `timeout SECS` (busybox >= 1.30 syntax), else nothing. Call it once
# before prom_http_get, which mostly runs in a $(...) subshell that could not keep the choice.
prom_http_setup() {
    if wget --help 2>&1 | grep -q -e '-T '; then
        prom_wget_mode=T
    elif timeout 2 true >/dev/null 2>&1; then
        prom_wget_mode=timeout
    else
        prom_wget_mode=plain
    fi
}

# prom_http_get URL: print the body; non-zero when unreachable. Proxies are never used: the
# target is this pod's own listener.
prom_http_get() {
    [ -n "${prom_wget_mode:-}" ] || prom_http_setup
    (
        unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
        set -- -q -O - "$1"
        [ "$PROM_SCHEME" != https ] || set -- --no-check-certificate "$@"
        case $prom_wget_mode in
            T) exec wget -T 5 "$@" ;;
            timeout) exec timeout 5 wget "$@" ;;
            *) exec wget "$@" ;;
        esac
    ) 2>/dev/null
}

# prom_metric TEXT NAME: print the value of the unlabelled sample NAME, or nothing.
prom_metric() {
    printf '%s\n' "$1" | awk -v name="$2" '$1 == name { print $2; exit }'
}
