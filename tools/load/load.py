#!/usr/bin/env python3
"""The load benchmark's driver (run by tools/load/run.sh, which builds the release binaries).

Starts a plain Hummingbird route (the ceiling) and then `fabriek serve` on a fresh copy of the
demo store, on loopback, and drives each with `wrk` for a bounded time: the four reads one by
one and mixed, then the durable command mix from 64 connections. Prints requests/s, p50/p99,
the share of the ceiling's rate, the statuses, the server's CPU time per request, and the
projections' lag (read from /metrics) until it is back to 0 after the command run.

Every figure comes from this run; nothing is estimated. Exit status 1 when a request of the
command mix was not accepted with 200/201 or a read answered anything but 200.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TICKS = os.sysconf("SC_CLK_TCK")


def say(line):
    print(line, flush=True)


class Server:
    """A child process that prints its address on a line of standard output."""

    def __init__(self, argv, pattern, log_path, env=None):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.lines = []
        self.base = None
        found = threading.Event()

        def pump():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.lines.append(line)
                m = re.search(pattern, line)
                if m and self.base is None:
                    self.base = m.group(1)
                    found.set()
            found.set()

        threading.Thread(target=pump, daemon=True).start()
        if not found.wait(600) or self.base is None:
            self.stop()
            raise SystemExit("%s printed no address; see %s" % (argv[0], log_path))

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def http(method, url, token=None, body=None, timeout=60):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_ready(base, deadline_s=900):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            status, _ = http("GET", base + "/readyz", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server was not ready within %d s" % deadline_s)


def lag_from_metrics(base):
    """The largest fabriek_projection_lag_events over the projections, and their number."""
    _, text = http("GET", base + "/metrics")
    lags = [float(m.group(1)) for m in re.finditer(r'^fabriek_projection_lag_events\{[^}]*\} (\S+)$', text.decode(), re.M)]
    return (max(lags) if lags else None), len(lags)


def head(base, token):
    _, body = http("GET", base + "/api/v1/projections", token)
    return json.loads(body)["head"]


def prepare_template(bin_dir, template, work):
    """Seeds the demo store once (not measured): `fabriek serve --demo`, until /readyz, then SIGTERM."""
    if os.path.exists(os.path.join(template, "log", "segments")):
        return
    shutil.rmtree(template, ignore_errors=True)
    say("seeding the demo store into %s (once; later runs copy it)..." % template)
    server = Server([os.path.join(bin_dir, "fabriek"), "serve", "--data", template, "--port", "0", "--demo"],
                    r"on (http://127\.0\.0\.1:\d+)/", os.path.join(work, "seed.log"),
                    env=dict(os.environ, FABRIEK_LOG_LEVEL="warning"))
    wait_ready(server.base)
    code = server.stop()
    if code != 0:
        raise SystemExit("seeding: fabriek serve exited %d" % code)


def run_wrk(script, base, path, seconds, connections, threads, env, label):
    argv = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--timeout", "5s",
            "-s", os.path.join(HERE, script), base + path]
    out = subprocess.run(argv, env=env, capture_output=True, text=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("LOADJSON ")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit("wrk failed for %s:\n%s\n%s" % (label, out.stdout, out.stderr))
    r = json.loads(line[len("LOADJSON "):])
    r["label"] = label
    r["rate"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True, help="directory of the release fabriek and fabriek-load-ceiling")
    p.add_argument("--template", required=True, help="the seeded demo store (created when absent, then copied per run)")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    p.add_argument("--connections", type=int, default=64, help="connections per wrk run (default 64)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--tenders", type=int, default=400, help="open tenders published for the bids (default 400)")
    p.add_argument("--json", help="write the figures to this file")
    p.add_argument("--prepare-only", action="store_true", help="seed the template store and stop")
    p.add_argument("--only", choices=["reads", "commands"],
                   help="run only the reads or only the command mix (after the ceiling), e.g. while profiling")
    p.add_argument("--profile", metavar="FILE",
                   help="record the server with `perf record -g` into FILE during the command mix")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory (the served store, serve.log with one line per request)")
    a = p.parse_args()

    work = tempfile.mkdtemp(prefix="fabriek-load-")
    prepare_template(a.bin, a.template, work)
    if a.prepare_only:
        shutil.rmtree(work, ignore_errors=True)
        say("demo store ready in %s" % a.template)
        return
    data_dir = os.path.join(work, "data")
    shutil.copytree(a.template, data_dir)
    say("work directory %s (server log: serve.log)" % work)

    env = dict(os.environ, LOAD_DIR=HERE, LOAD_DATA=os.path.join(work, "data.lua"), LOAD_THREADS=str(a.threads),
               LOAD_RUN="%08x" % (int(time.time()) & 0xFFFFFFFF))
    results = []
    failures = []

    # 1. the ceiling: a plain Hummingbird route returning a constant
    ceiling = Server([os.path.join(a.bin, "fabriek-load-ceiling"), "0"], r"on (http://127\.0\.0\.1:\d+)/",
                     os.path.join(work, "ceiling.log"))
    with open(env["LOAD_DATA"], "w") as f:   # the ceiling's script needs a data file too
        f.write('return {reader_token = "-", writer_token = "-", members = {"-"}, buurten = {"Wyck"}, tenders = {"-"}, today = "-"}\n')
    cpu0 = ceiling.cpu_seconds()
    r = run_wrk("reads.lua", ceiling.base, "/", a.duration, a.connections, a.threads, dict(env, LOAD_ROUTE="ceiling"), "ceiling")
    r["cpu_us"] = (ceiling.cpu_seconds() - cpu0) * 1e6 / max(1, r["requests"])
    ceiling.stop()
    results.append(r)
    ceiling_rate = r["rate"]

    # 2. fabriek serve on the fresh copy (--demo issues a token per role)
    server = Server([os.path.join(a.bin, "fabriek"), "serve", "--data", data_dir, "--port", "0", "--demo"],
                    r"on (http://127\.0\.0\.1:\d+)/", os.path.join(work, "serve.log"))
    base = server.base
    wait_ready(base)
    tokens = {}
    for line in list(server.lines):
        m = re.match(r"token (\w+): (\S+)", line)
        if m:
            tokens[m.group(1)] = m.group(2)
    coordinator, reader = tokens["coordinator"], tokens["municipality"]

    # 3. the run's data: active members (from the API), tenders open for bids (published now)
    members = []
    while True:
        status, body = http("GET", base + "/api/v1/members?limit=100&offset=%d" % len(members), coordinator)
        page = json.loads(body)["members"]
        members += [m["memberId"] for m in page if m["status"] == "active"]
        if len(page) < 100:
            break
    deadline = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=60)).strftime("%Y-%m-%dT10:00:00Z")
    tenders = []
    for i in range(a.tenders):
        status, body = http("POST", base + "/api/v1/tenders", coordinator, {
            "buyer": {"kind": "municipality", "name": "Gemeente Maastricht"},
            "title": "Groenonderhoud lastmeting %d" % i, "description": "Snoeien en maaien", "category": "diensten",
            "procedure": "nationaalOpenbaar", "estimatedValueCents": 5000000, "mainCpv": "77310000-6",
            "lots": [{"number": 1, "title": "Groenonderhoud Wyck", "buurten": ["Wyck"], "estimatedValueCents": 5000000}],
            "submissionDeadline": deadline})
        if status != 201:
            raise SystemExit("publishing a tender for the run: %d %s" % (status, body.decode()))
        tenders.append(json.loads(body)["tenderId"])
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    buurten = ["Wyck", "Jekerkwartier", "Malberg", "Caberg", "Scharn", "Amby", "Mariaberg", "Wittevrouwenveld"]

    def lua_list(xs):
        return "{" + ", ".join('"%s"' % x for x in xs) + "}"
    with open(env["LOAD_DATA"], "w") as f:
        f.write("return {reader_token = \"%s\", writer_token = \"%s\", members = %s, buurten = %s, tenders = %s, today = \"%s\"}\n"
                % (reader, coordinator, lua_list(members), lua_list(buurten), lua_list(tenders), today))
    # let the projections take in the tenders before reads are timed, and warm each read once
    # (the programme KPIs are computed once per checkpoint, then served from the cache)
    while lag_from_metrics(base)[0]:
        time.sleep(0.05)
    for path in ["/api/v1/members?q=hovenier", "/api/v1/tenders", "/api/v1/programme/kpis", "/api/v1/members/" + members[0]]:
        status, _ = http("GET", base + path, reader, timeout=900)
        if status != 200:
            raise SystemExit("warming %s: %d" % (path, status))
    say("store: %d active members, %d open tenders published for the run, head %d" % (len(members), len(tenders), head(base, coordinator)))

    # 4. reads, one route at a time, then mixed
    reads = [("search", "reads: register search"), ("tenders", "reads: tender board"),
             ("kpis", "reads: dashboard JSON (programme KPIs)"), ("member", "reads: one member"),
             ("mix", "reads: the four mixed")]
    for route, label in (reads if a.only != "commands" else []):
        cpu0 = server.cpu_seconds()
        r = run_wrk("reads.lua", base, "/", a.duration, a.connections, a.threads, dict(env, LOAD_ROUTE=route), label)
        r["cpu_us"] = (server.cpu_seconds() - cpu0) * 1e6 / max(1, r["requests"])
        r["ceiling_ratio"] = r["rate"] / ceiling_rate
        bad = {k: v for k, v in r["statuses"].items() if k != "200"}
        if bad or any(r["errors"].values()):
            failures.append("%s: statuses %s, errors %s" % (label, r["statuses"], r["errors"]))
        results.append(r)

    if a.only == "reads":
        server.stop()
        return report(a, results, failures, work, len(members), len(tenders))

    # 5. durable commands from 64 connections, then the projections' lag until it is 0
    head0 = head(base, coordinator)
    cpu0 = server.cpu_seconds()
    perf = None
    if a.profile:
        perf = subprocess.Popen(["perf", "record", "-g", "-o", a.profile, "-p", str(server.proc.pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = run_wrk("commands.lua", base, "/", a.duration, a.connections, a.threads, env,
                "commands: bids, profile updates, attendances")
    ended = time.monotonic()
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    r["cpu_us"] = (server.cpu_seconds() - cpu0) * 1e6 / max(1, r["requests"])
    lag_at_end, projections = lag_from_metrics(base)
    lag = lag_at_end
    while lag and time.monotonic() - ended < 30:
        time.sleep(0.005)
        lag, _ = lag_from_metrics(base)
    r["lag_events_at_end"] = lag_at_end
    r["lag_zero_after_ms"] = (time.monotonic() - ended) * 1000 if lag == 0 else None
    r["projections"] = projections
    accepted = sum(v for k, v in r["statuses"].items() if k in ("200", "201"))
    r["events_written"] = head(base, coordinator) - head0
    if accepted != sum(r["statuses"].values()) or any(r["errors"].values()):
        failures.append("commands: statuses %s, errors %s" % (r["statuses"], r["errors"]))
    # each command writes one event; the commands still in flight when wrk stops (at most one
    # per connection) are written without wrk counting their answers
    if not accepted <= r["events_written"] <= accepted + a.connections:
        failures.append("commands: %d accepted but %d events written (each command writes one)" % (accepted, r["events_written"]))
    if r["lag_zero_after_ms"] is None or r["lag_zero_after_ms"] > 1000:
        failures.append("commands: projection lag not back to 0 within 1 s (%s)" % r["lag_zero_after_ms"])
    results.append(r)

    code = server.stop()
    if code != 0:
        failures.append("fabriek serve exited %d after SIGTERM" % code)
    report(a, results, failures, work, len(members), len(tenders))


def report(a, results, failures, work, members, tenders):
    """Prints the table (and writes the JSON), then exits 1 when anything failed."""
    say("")
    say("wrk -t%d -c%d -d%ds on 127.0.0.1, %d active members, %d open tenders; ceiling = plain Hummingbird route"
        % (a.threads, a.connections, a.duration, members, tenders))
    say("| run | requests/s | p50 (ms) | p99 (ms) | of ceiling | server CPU µs/request | statuses |")
    say("|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        say("| %s | %s | %.2f | %.2f | %s | %.1f | %s |" % (
            r["label"], format(int(round(r["rate"])), ","), r["p50_us"] / 1000, r["p99_us"] / 1000,
            "%.0f%%" % (100 * r["ceiling_ratio"]) if "ceiling_ratio" in r else "—", r["cpu_us"],
            ", ".join("%s×%s" % (v, k) for k, v in sorted(r["statuses"].items()))))
    c = results[-1]
    if "events_written" in c:
        say("")
        say("commands: %d accepted, %d events written; projection lag at the end of the run %s events (max of %d projections), back to 0 after %s"
            % (sum(c["statuses"].values()), c["events_written"], "%d" % c["lag_events_at_end"] if c["lag_events_at_end"] is not None else "?",
               c["projections"], "%.0f ms" % c["lag_zero_after_ms"] if c["lag_zero_after_ms"] is not None else "never (30 s)"))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results, "failures": failures}, f, indent=2)
    for f in failures:
        say("FAILED: " + f)
    if failures or a.keep:
        say("kept %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
