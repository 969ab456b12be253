#!/usr/bin/env python3
"""Idle-connections memory check for scripts/bench (python3 standard library only).

Opens N client connections to a MySQL-protocol server (Sleet), logs each one in with
mysql_native_password, holds them all idle, and reports the server process's RSS (VmRSS from
/proc/<pid>/status) before, while the connections are held, and after they are closed. Prints
one JSON object on stdout; progress and errors go to stderr. Exit 0 when every connection logged
in (the RSS verdict is the caller's business), 1 otherwise.

    bench-idle.py --port 23401 --user sbtest --password sbtest-pw --pid 1234 [--count 1000]
                  [--host 127.0.0.1] [--database DB] [--settle 2]

It speaks just enough of the protocol: read HandshakeV10 (scramble = auth-plugin-data part 1,
8 bytes, + part 2, 12 bytes), send HandshakeResponse41 with CLIENT_PROTOCOL_41 |
SECURE_CONNECTION | PLUGIN_AUTH | LONG_PASSWORD (| CONNECT_WITH_DB with --database), token =
SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))), and expect an OK (an AuthSwitchRequest to
mysql_native_password is answered too).
"""

import argparse
import hashlib
import json
import resource
import socket
import struct
import sys
import time

CLIENT_LONG_PASSWORD = 0x00000001
CLIENT_CONNECT_WITH_DB = 0x00000008
CLIENT_PROTOCOL_41 = 0x00000200
CLIENT_SECURE_CONNECTION = 0x00008000
CLIENT_PLUGIN_AUTH = 0x00080000
NATIVE = b"mysql_native_password"
UTF8MB4_GENERAL_CI = 45


class LoginError(Exception):
    pass


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise LoginError("server closed the connection")
        buf += chunk
    return bytes(buf)


def read_packet(sock):
    header = recv_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], recv_exact(sock, length)


def write_packet(sock, seq, payload):
    sock.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload)


def native_token(password, scramble):
    if not password:
        return b""
    p1 = hashlib.sha1(password.encode()).digest()
    p2 = hashlib.sha1(p1).digest()
    mix = hashlib.sha1(scramble + p2).digest()
    return bytes(a ^ b for a, b in zip(p1, mix))


def error_text(payload):
    # ERR: 0xff, errno (2), '#' + sqlstate (5) with PROTOCOL_41, message.
    errno = struct.unpack_from("<H", payload, 1)[0]
    msg = payload[9:] if payload[3:4] == b"#" else payload[3:]
    return "ERROR %d: %s" % (errno, msg.decode("utf-8", "replace"))


def parse_handshake(payload):
    if not payload or payload[0] == 0xFF:
        raise LoginError("server refused the connection: " + (error_text(payload) if payload else "empty greeting"))
    if payload[0] != 10:
        raise LoginError("unexpected protocol version %d in the greeting" % payload[0])
    pos = payload.index(b"\0", 1) + 1  # server version, NUL-terminated
    pos += 4  # connection id
    part1 = payload[pos:pos + 8]
    pos += 8 + 1  # filler
    caps = struct.unpack_from("<H", payload, pos)[0]
    pos += 2
    if len(payload) > pos:
        pos += 1 + 2  # character set, status flags
        caps |= struct.unpack_from("<H", payload, pos)[0] << 16
        pos += 2
        auth_len = payload[pos]
        pos += 1 + 10  # auth-plugin-data length, reserved
        part2_len = max(13, auth_len - 8) if caps & CLIENT_PLUGIN_AUTH else 13
        part2 = payload[pos:pos + part2_len][:12]
    else:
        part2 = b""
    return caps, part1 + part2


def login(host, port, user, password, database, timeout):
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        seq, payload = read_packet(sock)
        server_caps, scramble = parse_handshake(payload)
        if len(scramble) != 20:
            raise LoginError("scramble is %d bytes, expected 20" % len(scramble))
        caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_LONG_PASSWORD
        if database:
            caps |= CLIENT_CONNECT_WITH_DB
        token = native_token(password, scramble)
        resp = struct.pack("<IIB", caps, 1 << 24, UTF8MB4_GENERAL_CI) + b"\0" * 23
        resp += user.encode() + b"\0"
        resp += bytes([len(token)]) + token
        if database:
            resp += database.encode() + b"\0"
        resp += NATIVE + b"\0"
        write_packet(sock, seq + 1, resp)
        seq, payload = read_packet(sock)
        if payload[:1] == b"\xfe":  # AuthSwitchRequest: plugin name NUL, then plugin data
            end = payload.index(b"\0", 1)
            plugin = payload[1:end]
            if plugin != NATIVE:
                raise LoginError("server asked for auth plugin %r" % plugin.decode("utf-8", "replace"))
            data = payload[end + 1:].rstrip(b"\0")[:20]
            write_packet(sock, seq + 1, native_token(password, data))
            seq, payload = read_packet(sock)
        if payload[:1] == b"\xff":
            raise LoginError(error_text(payload))
        if payload[:1] != b"\x00":
            raise LoginError("expected OK after login, got packet type 0x%02x" % payload[0])
        sock.settimeout(None)
        return sock
    except BaseException:
        sock.close()
        raise


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < need:
            sys.exit("bench-idle: need %d open files, the hard limit is %d" % (need, hard))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", default="")
    ap.add_argument("--database", default="")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--pid", type=int, required=True, help="server process whose RSS is measured")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds to wait before each RSS reading")
    ap.add_argument("--timeout", type=float, default=10.0, help="per-login timeout, seconds")
    args = ap.parse_args()

    raise_fd_limit(args.count + 64)
    time.sleep(args.settle)
    before = rss_kb(args.pid)
    socks, errors = [], {}
    t0 = time.monotonic()
    try:
        for i in range(args.count):
            try:
                socks.append(login(args.host, args.port, args.user, args.password, args.database, args.timeout))
            except (OSError, LoginError, ValueError, IndexError, struct.error) as e:
                msg = "%s: %s" % (type(e).__name__, e)
                errors[msg] = errors.get(msg, 0) + 1
                if len(errors) == 1 and errors[msg] == 1:
                    print("bench-idle: connection %d failed: %s" % (i + 1, msg), file=sys.stderr)
        login_s = time.monotonic() - t0
        time.sleep(args.settle)
        # Are they all still open? A closed socket is readable (EOF) or errors.
        alive = 0
        for s in socks:
            s.setblocking(False)
            try:
                alive += 0 if s.recv(1, socket.MSG_PEEK) == b"" else 1
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        held = rss_kb(args.pid)
    finally:
        for s in socks:
            s.close()
    time.sleep(args.settle)
    after = rss_kb(args.pid)
    result = {
        "connections_requested": args.count,
        "connections_logged_in": len(socks),
        "connections_alive_when_measured": alive,
        "login_seconds": round(login_s, 3),
        "errors": errors,
        "rss_kb_before": before,
        "rss_kb_held": held,
        "rss_kb_after_close": after,
    }
    print(json.dumps(result))
    return 0 if len(socks) == args.count and alive == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
