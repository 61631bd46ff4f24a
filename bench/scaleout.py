"""The same read load against one and against two gunicorn processes on one PostgreSQL.

    .venv/bin/python bench/scaleout.py [--seconds 15] [--warmup 2] [--clients 16] [--procs 2]

The documented production layout is several gunicorn processes against one PostgreSQL
(behind one public address). This measures whether a second process serves the same data
and keeps the throughput of the first.

A fresh PostgreSQL database `bench_scaleout_<pid>` is built by the migrations and filled as
bench/feeds.py fills its own (its `load`): the reference data (`seed_reference`), then, by
SQL (INSERT ... SELECT), per reference country a national series with 40 quarterly meetings
(~5 years back to ~5 years ahead), per committee a series of 20 briefings, each meeting with
a published agenda of 8 items, 5,000 organisations with a contact each.

Layouts (every process: gunicorn, gthread, --workers 2 --threads 2, on 127.0.0.1, serving
`coordinator:create_app()`; no scheduler, gunicorn does not start one):
  A. one process on one port;
  B. two such processes on two ports, with the same COORDINATOR_BASE_URL (one public
     address, as behind a proxy); client i uses port i % 2.
Before B is loaded, the same JSON URLs are fetched from both of its processes and their
bodies (and ETags) must be equal.

Load, the same for both layouts: a closed loop of --clients clients (default 16 = --procs 2
processes x 8 threads, separate from the servers), each on its own keep-alive HTTP/1.1
connection (reconnecting when the server closes it), for --warmup seconds (not counted),
then --seconds measured. Each client cycles through a mix of reads that all hit the
database, without If-None-Match (every answer a full 200), starting at its own offset:
  5 in 10  GET /api/v1/meetings?country=<ISO>&limit=50   (ISO rotating over the countries)
  4 in 10  GET /meetings/<id>                            (the public HTML page, ids rotating)
  1 in 10  GET /api/v1/compliance?year=2027
GET routes are not rate-limited (only API writes and public POSTs are), so limits cannot
interfere. Prints for each layout requests/s, p50/p99 latency (overall and per kind), errors
(non-2xx or failed requests), gunicorn CPU per request and where the CPU went, then the ratio
B/A. On a machine with few cores both layouts share the same cores (and PostgreSQL and the
load generator share them too), so B shows that two processes serve the same data correctly
and how much of the throughput holds, not a gain proportional to the processes.

No timing is asserted; it exits 0. It drops its database, stops its servers and removes its
temporary files at the end, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/feeds.py: the database load, gunicorn, HTTP response reading and CPU helpers
import feeds

HOST = feeds.HOST
ADMIN_URL = feeds.ADMIN_URL
COMPLIANCE_PATH = "/api/v1/compliance?year=2027"
MIX = ("api", "page", "api", "page", "api", "compliance", "api", "page", "api", "page")
KINDS = {"api": "GET /api/v1/meetings?country=<ISO>&limit=50",
         "page": "GET /meetings/<id> (HTML)",
         "compliance": f"GET {COMPLIANCE_PATH}"}
PAGE_IDS = 96  # meeting pages in the rotation, spread over all meetings
SERVER_OPTIONS = SimpleNamespace(worker_class="gthread", threads=2)  # --workers 2 in feeds


# --------------------------------------------------------------------------- load generator

def _request(kind: str, path: str, port: int) -> bytes:
    accept = "text/html" if kind == "page" else "application/json"
    return (f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: bench-scaleout\r\n"
            f"Accept: {accept}\r\n\r\n").encode()


def plan(index: int, port: int, paths: dict[str, list[str]], length: int) -> list:
    """Client `index`'s cycle of (kind, request bytes), at its own offset in each rotation."""
    counters = {kind: index * 7 for kind in paths}
    out = []
    for n in range(length):
        kind = MIX[(n + index) % len(MIX)]
        rotation = paths[kind]
        out.append((kind, _request(kind, rotation[counters[kind] % len(rotation)], port)))
        counters[kind] += 1
    return out


def _client(port: int, requests: list, deadline: float, out: dict) -> None:
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    statuses: dict[int, int] = {}
    errors = 0
    connection = feeds.KeepAlive(port)
    perf = time.perf_counter
    n = 0
    while True:
        t0 = perf()
        if t0 >= deadline:
            break
        kind, request = requests[n % len(requests)]
        n += 1
        try:
            status, _length = connection.exchange(request)
            latencies[kind].append(perf() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if not 200 <= status < 300:
                errors += 1
        except Exception:  # counted; the loop goes on until the deadline
            errors += 1
            connection.close()
            time.sleep(0.001)
    connection.close()
    out.update(latencies=latencies, statuses=statuses, errors=errors,
               connects=connection.connects, stale=connection.stale, end=time.time())


def _load_process(clients: list, duration: float, barrier, results) -> None:  # type: ignore[no-untyped-def]
    """One load process: a thread per (port, plan) in `clients`, all for `duration`."""
    import resource

    outs = [{} for _ in clients]
    barrier.wait()
    start_wall = time.time()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    deadline = time.perf_counter() + duration
    threads = [threading.Thread(target=_client, args=(port, requests, deadline, out))
               for (port, requests), out in zip(clients, outs, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    merged: dict = {"latencies": {kind: [] for kind in KINDS}, "statuses": {}, "errors": 0,
                    "connects": 0, "stale": 0, "start": start_wall,
                    "end": max(o.get("end", start_wall) for o in outs),
                    "cpu": (usage1.ru_utime - usage0.ru_utime
                            + usage1.ru_stime - usage0.ru_stime)}
    for o in outs:
        for kind, values in o.get("latencies", {}).items():
            merged["latencies"][kind].extend(values)
        for k, v in o.get("statuses", {}).items():
            merged["statuses"][k] = merged["statuses"].get(k, 0) + v
        for k in ("errors", "connects", "stale"):
            merged[k] += o.get(k, 0)
    results.put(merged)


def drive(servers: list, paths: dict[str, list[str]], *, clients: int, procs: int,
          seconds: float) -> dict:
    """`clients` clients (procs processes x threads), client i on servers[i % len]."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    per = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    groups = []
    index = 0
    for n in per:
        group = []
        for _ in range(n):
            port = servers[index % len(servers)].port
            group.append((port, plan(index, port, paths, 20 * len(MIX))))
            index += 1
        if group:
            groups.append(group)
    barrier = ctx.Barrier(len(groups) + 1)
    results = ctx.Queue()
    children = [ctx.Process(target=_load_process, args=(group, seconds, barrier, results),
                            daemon=True) for group in groups]
    for child in children:
        child.start()
    try:
        barrier.wait(timeout=60)
        cpu0 = sum(s.cpu_seconds() for s in servers)
        busy0, steal0 = feeds.cpu_busy_seconds()
        parts = [results.get(timeout=seconds + 120) for _ in children]
        cpu1 = sum(s.cpu_seconds() for s in servers)
        busy1, steal1 = feeds.cpu_busy_seconds()
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()
                child.join(timeout=5)
    by_kind = {kind: sorted(x for p in parts for x in p["latencies"][kind]) for kind in KINDS}
    latencies = sorted(x for values in by_kind.values() for x in values)
    statuses: dict[int, int] = {}
    for p in parts:
        for k, v in p["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    elapsed = max(max(p["end"] for p in parts) - min(p["start"] for p in parts), 1e-9)
    n = len(latencies)
    server_cpu = cpu1 - cpu0
    load_cpu = sum(p["cpu"] for p in parts)
    busy, steal = busy1 - busy0, steal1 - steal0
    return {
        "requests": n, "elapsed": elapsed, "rps": n / elapsed,
        "p50": feeds._pct(latencies, 50) * 1000, "p99": feeds._pct(latencies, 99) * 1000,
        "kinds": {kind: (len(v), feeds._pct(v, 50) * 1000, feeds._pct(v, 99) * 1000)
                  for kind, v in by_kind.items()},
        "statuses": statuses, "errors": sum(p["errors"] for p in parts),
        "connects": sum(p["connects"] for p in parts), "stale": sum(p["stale"] for p in parts),
        "server_cpu": server_cpu, "load_cpu": load_cpu, "steal": steal,
        "other_cpu": max(busy - steal - server_cpu - load_cpu, 0.0),
    }


# --------------------------------------------------------------------------- checks

def same_data(servers: list, paths: list[str]) -> list[str]:
    """Each path fetched from every server: all 200, equal JSON and ETag. Returns lines."""
    lines = []
    for path in paths:
        answers = []
        for server in servers:
            status, headers, body = feeds.fetch(server.port, path)
            if status != 200:
                raise AssertionError(f"{path} on port {server.port} answered {status}")
            etag = dict((k.lower(), v) for k, v in headers).get("etag")
            answers.append((json.loads(body), etag, len(body)))
        first = answers[0]
        for server, other in zip(servers[1:], answers[1:], strict=True):
            if other[0] != first[0]:
                raise AssertionError(f"{path}: port {server.port} answered other JSON than "
                                     f"port {servers[0].port}")
            if other[1] != first[1]:
                raise AssertionError(f"{path}: ETag {other[1]} on port {server.port}, "
                                     f"{first[1]} on port {servers[0].port}")
        lines.append(f"    {path}: {first[2]:,} bytes, ETag {first[1]}, equal on ports "
                     + ", ".join(str(s.port) for s in servers))
    return lines


# --------------------------------------------------------------------------- layouts

def run_layout(label: str, count: int, env: dict[str, str], tmp: str, paths: dict,
               args, servers_alive: list, check_paths: list[str]) -> dict:  # type: ignore[no-untyped-def]
    servers = [feeds.Gunicorn(f"{label}{i + 1}", "coordinator:create_app()", SERVER_OPTIONS,
                              env, tmp) for i in range(count)]
    # one public address for all processes, as behind a proxy: the same BASE_URL everywhere
    base = servers[0].base
    for server in servers:
        server.env = {**env, "COORDINATOR_BASE_URL": base}
        servers_alive.append(server)
        server.start()
    ready_path = paths["api"][0]
    for server in servers:
        server.wait_ready(ready_path)
    print(f"\nlayout {label}: {count} gunicorn process{'es' if count > 1 else ''} on port"
          f"{'s' if count > 1 else ''} {', '.join(str(s.port) for s in servers)} "
          f"(2 gthread workers x 2 threads each), BASE_URL {base}")
    if count > 1:
        lines = same_data(servers, check_paths)
        print("  same data from both processes: yes" if count == 2 else
              f"  same data from all {count} processes: yes")
        for line in lines:
            print(line)
    warm = [(p, {}) for kind in KINDS for p in paths[kind][:4]]
    for server in servers:
        feeds.warm_up(server.port, warm, rounds=2)
    if args.warmup > 0:
        drive(servers, paths, clients=args.clients, procs=args.procs, seconds=args.warmup)
    result = drive(servers, paths, clients=args.clients, procs=args.procs,
                   seconds=args.seconds)
    for server in servers:
        server.stop()
        servers_alive.remove(server)
    result["label"] = label
    result["processes"] = count
    return result


def report(results: list[dict], args) -> None:  # type: ignore[no-untyped-def]
    print(f"\n{'layout':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
          f"{'errors':>6} {'conns':>6} {'srv CPU ms/req':>14} "
          f"{'CPU s: srv/load/other/steal':>28}")
    for r in results:
        name = f"{r['label']}: {r['processes']} process{'es' if r['processes'] > 1 else ''}"
        cpu = (f"{r['server_cpu']:.1f}/{r['load_cpu']:.1f}/{r['other_cpu']:.1f}/"
               f"{r['steal']:.1f}")
        print(f"{name:28} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['requests']:9d} "
              f"{r['errors']:6d} {r['connects']:6d} "
              f"{r['server_cpu'] / max(r['requests'], 1) * 1000:14.3f} {cpu:>28}")
    print("\nper kind of request (count, p50 ms, p99 ms):")
    for kind, title in KINDS.items():
        cells = "   ".join(
            f"{r['label']}: {r['kinds'][kind][0]:7d} {r['kinds'][kind][1]:7.2f} "
            f"{r['kinds'][kind][2]:7.2f}" for r in results)
        print(f"  {title:46} {cells}")
    print("statuses: " + "; ".join(f"{r['label']} {dict(sorted(r['statuses'].items()))}"
                                   for r in results))
    a, b = results
    print(f"\nthroughput: A (1 process) {a['rps']:,.0f} req/s, B (2 processes) "
          f"{b['rps']:,.0f} req/s; ratio B/A = {b['rps'] / max(a['rps'], 1e-9):.2f}")
    cpu_a = a["server_cpu"] / max(a["requests"], 1)
    cpu_b = b["server_cpu"] / max(b["requests"], 1)
    print(f"gunicorn CPU per request: A {cpu_a * 1000:.2f} ms, B {cpu_b * 1000:.2f} ms; "
          f"ratio B/A = {cpu_b / max(cpu_a, 1e-12):.2f}")
    cpus = os.cpu_count() or 1
    print(f"(CPU s over each {args.seconds:g} s run, {cpus} CPUs = {cpus * args.seconds:g} CPU "
          "s: gunicorn masters+workers / load generator / everything else, mostly PostgreSQL /"
          " stolen by the hypervisor; conns = TCP connections opened)")
    if cpus <= 2:
        print(f"note: os.cpu_count() = {cpus}: both layouts share the same {cpus} core"
              f"{'s' if cpus > 1 else ''} with PostgreSQL and the load generator, so B mainly "
              "shows that two processes serve the same data correctly and how much of the "
              "throughput holds; it is not expected to double.")
    else:
        print(f"note: os.cpu_count() = {cpus}; PostgreSQL and the load generator share these "
              "cores with the servers, so B/A is bounded by the cores the servers can use.")


# --------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0,
                        help="measured seconds per layout")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of load before each measured run (not counted)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    args = parser.parse_args()
    if args.clients < 1 or args.procs < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--clients and --procs must be >= 1, --seconds > 0, --warmup >= 0")

    from sqlalchemy import create_engine, text

    from coordinator.cadence.zones import utc_now

    now = utc_now().replace(microsecond=0)
    began = time.monotonic()
    name = f"bench_scaleout_{os.getpid()}"
    uri = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    tmp = tempfile.mkdtemp(prefix="bench_scaleout_")
    instance = os.path.join(tmp, "instance")
    os.makedirs(instance)
    servers: list = []
    created = False
    print(f"scale-out benchmark: os.cpu_count() = {os.cpu_count()}, {args.clients} clients "
          f"({args.procs} processes), {args.seconds:g} s per layout after {args.warmup:g} s "
          f"warm-up, now = {now.isoformat()}")
    try:
        feeds.admin_execute(f'CREATE DATABASE "{name}"')
        created = True
        info = feeds.load(uri, instance, now)
        c = info["counts"]
        print(f"data: database {name} migrated in {info['migrate_s']:.1f} s, loaded in "
              f"{info['load_s']:.1f} s: {c['countries']} countries, {c['series']} series, "
              f"{c['meetings']:,} meetings ({info['span'][0]:%Y-%m-%d} .. "
              f"{info['span'][1]:%Y-%m-%d}), {c['organisations']:,} organisations")

        engine = create_engine(uri)
        try:
            with engine.connect() as conn:
                isos = list(conn.execute(text(
                    "SELECT DISTINCT c.iso FROM countries c JOIN series s "
                    "ON s.country_id = c.id ORDER BY c.iso")).scalars())
                ids = list(conn.execute(text("SELECT id FROM meetings ORDER BY id")).scalars())
        finally:
            engine.dispose()
        step = max(len(ids) // PAGE_IDS, 1)
        paths = {
            "api": [f"/api/v1/meetings?country={iso}&limit=50" for iso in isos],
            "page": [f"/meetings/{i}" for i in ids[::step][:PAGE_IDS]],
            "compliance": [COMPLIANCE_PATH],
        }
        print(f"mix per 10 requests: 5 x {KINDS['api']} over {len(paths['api'])} countries, "
              f"4 x {KINDS['page']} over {len(paths['page'])} meetings, 1 x {COMPLIANCE_PATH}")
        check_paths = [paths["api"][0], paths["api"][len(isos) // 2],
                       f"/api/v1/meetings/{ids[len(ids) // 2]}", COMPLIANCE_PATH]

        env = {**os.environ, "COORDINATOR_SQLALCHEMY_DATABASE_URI": uri,
               "COORDINATOR_SECRET_KEY": "bench", "COORDINATOR_INSTANCE_PATH": instance,
               # gunicorn needs a shared rate-limit store, as in production.
               "COORDINATOR_RATELIMIT_STORAGE_URI": os.environ.get(
                   "COORDINATOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
               "COORDINATOR_RATELIMIT_KEY_PREFIX": f"bench-{os.getpid()}",
               "PYTHONUNBUFFERED": "1"}
        for key in ("FLASK_DEBUG", "COORDINATOR_BASE_URL"):
            env.pop(key, None)

        results = [run_layout(label, count, env, tmp, paths, args, servers, check_paths)
                   for label, count in (("A", 1), ("B", 2))]
        report(results, args)
    finally:
        feeds.clean_up(servers, name if created else None, tmp)
    print(f"\ndone in {time.monotonic() - began:.0f} s; database {name}, servers and "
          "temporary files removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
