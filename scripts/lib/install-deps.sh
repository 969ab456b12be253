#!/usr/bin/env bash
# shellcheck shell=bash
# Sourced by scripts/fleet, scripts/test and scripts/demo: installs the Debian packages Sleet's
# scripts need when (and only when) something is missing, and puts Swift on PATH.
#
#   scripts/lib/install-deps.sh [all|mariadb]   # run directly: just install
#
#   source scripts/lib/install-deps.sh
#   sleet_install_deps            # everything: MariaDB server+client, libmysqlclient-dev, pkg-config, sysbench, haproxy
#   sleet_install_deps mariadb    # only MariaDB server+client (what scripts/fleet needs)
#   sleet_ensure_swift            # swift on PATH (adds /opt/swift/usr/bin if needed)

# mariadbd, haproxy and friends live in sbin, which non-login shells may not have on PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac
case ":$PATH:" in *:/sbin:*) ;; *) PATH="$PATH:/sbin" ;; esac
export PATH

# Is the Debian package $1 usable? Checks what we actually run rather than dpkg where possible,
# so a MariaDB/sysbench installed some other way also counts.
_sleet_pkg_present() {
    case "$1" in
        mariadb-server) command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 ;;
        mariadb-client) command -v mariadb >/dev/null 2>&1 && command -v mariadb-admin >/dev/null 2>&1 ;;
        pkg-config) command -v pkg-config >/dev/null 2>&1 ;;
        sysbench) command -v sysbench >/dev/null 2>&1 ;;
        haproxy) command -v haproxy >/dev/null 2>&1 ;;
        default-libmysqlclient-dev)
            dpkg -s default-libmysqlclient-dev >/dev/null 2>&1 ||
                { command -v pkg-config >/dev/null 2>&1 &&
                  { pkg-config --exists libmariadb || pkg-config --exists mysqlclient; } 2>/dev/null; } ;;
        *) dpkg -s "$1" >/dev/null 2>&1 ;;
    esac
}

sleet_install_deps() {
    local pkgs
    case "${1:-all}" in
        mariadb) pkgs=(mariadb-server mariadb-client) ;;
        all) pkgs=(mariadb-server mariadb-client default-libmysqlclient-dev pkg-config sysbench haproxy) ;;
        *) echo "sleet_install_deps: unknown set '$1' (all|mariadb)" >&2; return 2 ;;
    esac
    local missing=() p
    for p in "${pkgs[@]}"; do
        _sleet_pkg_present "$p" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0

    echo "install-deps: missing: ${missing[*]}" >&2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-deps: apt-get not found; install these yourself: ${missing[*]}" >&2
        return 1
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
            echo "install-deps: need root (or sudo) to apt-get install ${missing[*]}" >&2
            return 1
        fi
    fi
    # Install the whole set, not just the missing ones: cheap, and keeps versions consistent.
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}"
    for p in "${pkgs[@]}"; do
        if ! _sleet_pkg_present "$p"; then
            echo "install-deps: $p still missing after apt-get install" >&2
            return 1
        fi
    done
}

sleet_ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            PATH="/opt/swift/usr/bin:$PATH"
            export PATH
        else
            echo "swift not found on PATH nor in /opt/swift/usr/bin; install a Swift toolchain" >&2
            return 1
        fi
    fi
}

# Run directly (not sourced): scripts/lib/install-deps.sh [all|mariadb]
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    sleet_install_deps "${1:-all}"
fi
