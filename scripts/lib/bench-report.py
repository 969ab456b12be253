#!/usr/bin/env python3
"""Summarises scripts/bench's runs (python3 standard library only).

    bench-report.py --runs RUNS.jsonl [--idle IDLE.json] --clk-tck 100 \
                    [--info key=value ...] --json OUT.json [--json OUT2.json ...]

RUNS.jsonl has one object per sysbench run, written by scripts/bench:
  {"workload", "threads", "target" (direct|haproxy|sleet), "rep", "output" (sysbench's output file),
   "rc" (sysbench's exit status), "cpu_ticks" (utime+stime delta of the proxy process, or null),
   "rss_kb" (the proxy's VmRSS after the run, or null), "wall_s", "machine_ticks" and
   "machine_busy_ticks" (all CPUs, /proc/stat), "sysbench_ticks", "other_ticks" (busy ticks of
   processes other than MariaDB, the proxies and sysbench)}
This script parses each output (queries per second, avg and p95 latency), takes the medians per
workload x threads x target, prints the table with the ratios to direct and to haproxy, and writes
the same as JSON. Exit status 0, or 1 if the runs file is unusable.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys

TARGETS = ("direct", "haproxy", "sleet")
# Issue 3's targets for Sleet against haproxy in TCP mode.
MIN_QPS_RATIO = 0.95
MIN_QPS_RATIO_1_THREAD = 0.9
MAX_P95_RATIO = 1.1

RE = {
    "queries": re.compile(r"^\s*queries:\s+(\d+)\s+\(([\d.]+) per sec\.\)", re.M),
    "transactions": re.compile(r"^\s*transactions:\s+(\d+)\s+\(([\d.]+) per sec\.\)", re.M),
    "ignored_errors": re.compile(r"^\s*ignored errors:\s+(\d+)", re.M),
    "reconnects": re.compile(r"^\s*reconnects:\s+(\d+)", re.M),
    "avg_ms": re.compile(r"^\s*avg:\s+([\d.]+)", re.M),
    "p95_ms": re.compile(r"^\s*95th percentile:\s+([\d.]+)", re.M),
    "total_time_s": re.compile(r"^\s*total time:\s+([\d.]+)s", re.M),
}


def parse_sysbench(path):
    """Returns a dict of the numbers in one sysbench run's output, or {"error": ...}."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        return {"error": "cannot read %s: %s" % (path, e)}
    out = {}
    m = RE["queries"].search(text)
    if not m:
        fatal = [l.strip() for l in text.splitlines() if "FATAL" in l or "error" in l.lower()]
        return {"error": (fatal[0] if fatal else "no 'queries:' line in the output")[:300]}
    out["queries"] = int(m.group(1))
    out["qps"] = float(m.group(2))
    m = RE["transactions"].search(text)
    if m:
        out["transactions"], out["tps"] = int(m.group(1)), float(m.group(2))
    for key in ("ignored_errors", "reconnects"):
        m = RE[key].search(text)
        if m:
            out[key] = int(m.group(1))
    for key in ("avg_ms", "p95_ms", "total_time_s"):
        m = RE[key].search(text)
        if m:
            out[key] = float(m.group(1))
    return out


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def fmt(v, spec, width):
    return ("%" + spec) % v if v is not None else "-".rjust(width)


def load_runs(path, clk_tck):
    runs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                run = json.loads(line)
            except ValueError as e:
                sys.exit("bench-report: %s:%d: %s" % (path, n, e))
            parsed = parse_sysbench(run["output"])
            if run.get("rc", 0) != 0 and "error" not in parsed:
                parsed = {"error": "sysbench exited with status %s" % run["rc"], **parsed}
            run.update(parsed)
            ticks = run.get("cpu_ticks")
            if ticks is not None and run.get("queries"):
                run["cpu_us_per_query"] = ticks / clk_tck / run["queries"] * 1e6
            else:
                run["cpu_us_per_query"] = None
            # Share of the machine's CPU time used by processes other than MariaDB, the proxies and
            # sysbench while this run lasted: other people's work, i.e. noise.
            if run.get("machine_ticks"):
                run["others_cpu_pct"] = 100.0 * run.get("other_ticks", 0) / run["machine_ticks"]
            runs.append(run)
    return runs


def summarise(runs):
    keys = []
    for r in runs:
        k = (r["workload"], int(r["threads"]))
        if k not in keys:
            keys.append(k)
    rows = []
    for workload, threads in keys:
        row = {"workload": workload, "threads": threads}
        for t in TARGETS:
            rs = [r for r in runs if r["workload"] == workload and int(r["threads"]) == threads and r["target"] == t]
            ok = [r for r in rs if "error" not in r]
            row[t] = {
                "runs": len(rs),
                "failed_runs": len(rs) - len(ok),
                "qps": median([r.get("qps") for r in ok]),
                "avg_ms": median([r.get("avg_ms") for r in ok]),
                "p95_ms": median([r.get("p95_ms") for r in ok]),
                "ignored_errors": sum(r.get("ignored_errors", 0) for r in ok),
                "cpu_us_per_query": median([r.get("cpu_us_per_query") for r in ok]),
                "rss_mb": max([r["rss_kb"] / 1024 for r in rs if r.get("rss_kb")], default=None),
            }
        rs = [r for r in runs if r["workload"] == workload and int(r["threads"]) == threads]
        row["others_cpu_pct_max"] = max([r["others_cpu_pct"] for r in rs if r.get("others_cpu_pct") is not None], default=None)
        d, h, s = row["direct"], row["haproxy"], row["sleet"]
        row["sleet_over_direct"] = {"qps": ratio(s["qps"], d["qps"]), "p95": ratio(s["p95_ms"], d["p95_ms"])}
        row["sleet_over_haproxy"] = {"qps": ratio(s["qps"], h["qps"]), "p95": ratio(s["p95_ms"], h["p95_ms"])}
        min_qps = MIN_QPS_RATIO_1_THREAD if threads == 1 else MIN_QPS_RATIO
        qr, pr = row["sleet_over_haproxy"]["qps"], row["sleet_over_haproxy"]["p95"]
        misses = []
        if s["failed_runs"] or s["qps"] is None:
            misses.append("sleet runs failed")
        if qr is not None and qr < min_qps:
            misses.append("QPS %.2f < %.2f x haproxy" % (qr, min_qps))
        if pr is not None and pr > MAX_P95_RATIO:
            misses.append("p95 %.2f > %.2f x haproxy" % (pr, MAX_P95_RATIO))
        row["meets_targets"] = not misses
        row["misses"] = misses
        rows.append(row)
    return rows


def table(rows):
    lines = []
    lines.append("%-18s %3s  %-24s  %-24s  %-24s  %-11s  %-11s  %-13s  %6s  %6s"
                 % ("", "", "direct", "haproxy", "sleet", "sleet/direct", "sleet/hapx", "CPU µs/query", "sleet", "others"))
    lines.append("%-18s %3s  %s  %s  %s  %5s %5s  %5s %5s  %6s %6s  %6s  %6s"
                 % ("workload", "thr", *(["%8s %7s %7s" % ("QPS", "avg ms", "p95 ms")] * 3),
                    "QPS", "p95", "QPS", "p95", "hapx", "sleet", "RSS MB", "CPU %"))
    for r in rows:
        cells = []
        for t in TARGETS:
            x = r[t]
            if x["qps"] is None:
                cells.append("%8s %7s %7s" % ("ERR", "-", "-"))
            else:
                cells.append("%8.0f %7.2f %7.2f" % (x["qps"], x["avg_ms"], x["p95_ms"]))
        sd, sh = r["sleet_over_direct"], r["sleet_over_haproxy"]
        lines.append("%-18s %3d  %s  %s  %s  %s %s  %s %s  %s %s  %s  %s%s"
                     % (r["workload"], r["threads"], *cells,
                        fmt(sd["qps"], "5.2f", 5), fmt(sd["p95"], "5.2f", 5),
                        fmt(sh["qps"], "5.2f", 5), fmt(sh["p95"], "5.2f", 5),
                        fmt(r["haproxy"]["cpu_us_per_query"], "6.1f", 6), fmt(r["sleet"]["cpu_us_per_query"], "6.1f", 6),
                        fmt(r["sleet"]["rss_mb"], "6.1f", 6), fmt(r["others_cpu_pct_max"], "6.0f", 6),
                        "  !" if not r["meets_targets"] else ""))
    return lines


def rounded(x):
    """Floats rounded to 4 decimal places, for a readable JSON."""
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [rounded(v) for v in x]
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--idle", help="bench-idle.py's JSON result")
    ap.add_argument("--idle-limit-mb", type=float, default=100.0)
    ap.add_argument("--clk-tck", type=int, required=True)
    ap.add_argument("--info", action="append", default=[], help="key=value for the JSON's info section")
    ap.add_argument("--json", action="append", default=[], help="where to write the JSON (repeatable)")
    args = ap.parse_args()

    runs = load_runs(args.runs, args.clk_tck)
    rows = summarise(runs)
    info = dict(kv.split("=", 1) for kv in args.info if "=" in kv)
    info.setdefault("cpus", os.cpu_count())
    try:
        with open("/proc/cpuinfo") as f:
            models = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
        if models:
            info.setdefault("cpu_model", models[0])
    except OSError:
        pass
    info.setdefault("kernel", " ".join(os.uname()[2:3]))
    info.setdefault("loadavg_at_end", open("/proc/loadavg").read().split()[:3])

    print()
    for line in table(rows):
        print(line)
    print()
    print("Medians of the interleaved runs (direct -> haproxy -> sleet, repeated). Ratios are of the medians;")
    print("p95 ratio = sleet p95 / other p95. CPU µs/query = the proxy process's utime+stime / queries.")
    print("others CPU % = the most, over the row's runs, of the machine's CPU time used by processes other than")
    print("MariaDB, haproxy, Sleet and sysbench (noise: compare rows only when it is low).")
    print("Targets (issue 3, for oltp_point_select and oltp_read_only, ps disable; checked on every row, a row")
    print("that misses one is marked !): sleet/haproxy QPS >= %.2f (>= %.2f at 1 thread), sleet/haproxy p95 <= %.2f."
          % (MIN_QPS_RATIO, MIN_QPS_RATIO_1_THREAD, MAX_P95_RATIO))
    noise = max([r["others_cpu_pct_max"] for r in rows if r["others_cpu_pct_max"] is not None], default=None)
    if noise is not None and noise >= 10:
        print("WARNING: other processes used up to %.0f%% of the CPUs during some runs; those numbers are noisy." % noise)
    for r in rows:
        for t in TARGETS:
            if r[t]["failed_runs"]:
                print("ERROR: %s %d threads via %s: %d of %d runs failed"
                      % (r["workload"], r["threads"], t, r[t]["failed_runs"], r[t]["runs"]))
            if r[t]["ignored_errors"]:
                print("note: %s %d threads via %s: sysbench ignored %d errors (deadlocks are normal for oltp_read_write)"
                      % (r["workload"], r["threads"], t, r[t]["ignored_errors"]))

    idle = None
    if args.idle:
        try:
            with open(args.idle) as f:
                idle = json.load(f)
        except (OSError, ValueError) as e:
            idle = {"error": "no result from bench-idle.py: %s" % e}
        if "rss_kb_held" in idle:
            idle["rss_mb_before"] = round(idle["rss_kb_before"] / 1024, 1)
            idle["rss_mb_held"] = round(idle["rss_kb_held"] / 1024, 1)
            idle["rss_mb_after_close"] = round(idle["rss_kb_after_close"] / 1024, 1)
            idle["limit_mb"] = args.idle_limit_mb
            all_in = idle["connections_logged_in"] == idle["connections_requested"] == idle["connections_alive_when_measured"]
            idle["pass"] = all_in and idle["rss_mb_held"] < args.idle_limit_mb
            n = idle["connections_requested"]
            print()
            print("Idle connections: sleet RSS %.1f MB before, %.1f MB with %d idle logged-in clients held "
                  "(%d logged in, %d alive), %.1f MB after closing them: %s (target < %.0f MB)"
                  % (idle["rss_mb_before"], idle["rss_mb_held"], n, idle["connections_logged_in"],
                     idle["connections_alive_when_measured"], idle["rss_mb_after_close"],
                     "PASS" if idle["pass"] else "FAIL", args.idle_limit_mb))
            if idle.get("errors"):
                for msg, count in idle["errors"].items():
                    print("  idle login errors: %d x %s" % (count, msg))
        else:
            idle["pass"] = False
            print()
            print("Idle connections: FAIL (%s)" % idle.get("error", "no result"))

    doc = {
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "info": info,
        "targets": {"sleet_over_haproxy_qps_min": MIN_QPS_RATIO, "sleet_over_haproxy_qps_min_1_thread": MIN_QPS_RATIO_1_THREAD,
                    "sleet_over_haproxy_p95_max": MAX_P95_RATIO, "idle_rss_mb_max": args.idle_limit_mb},
        "rows": rows,
        "idle_connections": idle,
        "runs": runs,
    }
    doc = rounded(doc)
    for path in args.json:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
