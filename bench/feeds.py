"""Calendar feeds under load: a country feed, its revalidation and the all-feed, next to a ceiling.

    .venv/bin/python bench/feeds.py [--seconds 20] [--warmup 2] [--clients 16] [--procs 2]
                                    [--worker-class gthread|sync] [--threads 2]
                                    [--country MX] [--no-diagnose] [--whatif]
                                    [--whatif-seconds 10]

A fresh PostgreSQL database `bench_feeds_<pid>` is built by the migrations, the reference
data is loaded with `seed_reference`, then SQL adds (fast, INSERT ... SELECT):
  - per reference country (23) a national series (and its rule) with 40 quarterly meetings
    from ~5 years back to ~5 years ahead, in the country's capital zone;
  - per committee (11) a committee series with 20 six-monthly briefings over the same span;
  - every meeting with a published agenda of 8 items (agenda_version 1);
  - 5,000 approved organisations with a contact each; a few hundred participants rows;
  - the data version bumped, as the ORM hook would have done.

It is served by gunicorn, 2 workers, on 127.0.0.1 as `coordinator:create_app()`. The worker
class is gthread with 2 threads per worker: on 2 cores it served both the coordinator and the
ceiling best (gthread keeps connections alive; sync workers close every connection, which cost
the ceiling about a third of its rate and the load generator much more CPU; 4 threads were no
better than 2). The ceiling is the same gunicorn, same settings, serving a tiny generated WSGI
app that answers the same paths with the same bytes (constant, read once at import; the
country feed's size for the country feed, the all-feed's for the all-feed), the same
Content-Type and other headers, and 304 to the same If-None-Match.

Load: a closed loop of --clients clients (default 16 = 2 processes x 8 threads, separate from
the server), each on its own keep-alive HTTP/1.1 connection (reconnecting when the server
closes it), for --seconds per URL after --warmup seconds not counted. Scenarios:
  1. GET /feeds/country/MX.ics                      (200)
  2. the same with If-None-Match: <its ETag>        (304)
  3. GET /feeds/all.ics                             (200)
each measured on the coordinator and then on the ceiling. Prints requests/s, p50/p99 latency,
errors, CPU per request, and the ratio to the ceiling against the targets (0.7 for the country
feed, 0.8 for the 304). Then (unless --no-diagnose): when a target is missed (or with
--whatif), the same two country scenarios on what-if variants of the request path, patched in
a generated module (the project's files are untouched): "lean" (the version read with one
autocommit round trip), "ttl" (the version memoised per worker for 1 s) and "fastpath" (ttl
plus a WSGI layer in front of Flask answering repeat feed GETs); and, in-process, where a
request's time goes: the WSGI call per variant, the data-version lookup alone, one bare round
trip, and a cProfile of the 304.

No timing is asserted; it exits 0. It drops its database, stops its servers and removes its
temporary files at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("COORDINATOR_BENCH_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HOST = "127.0.0.1"
TARGETS = {"country": 0.7, "revalidate": 0.8}
ORGANISATIONS = 5000
NATIONAL_MEETINGS = 40  # quarterly, 10 years
COMMITTEE_MEETINGS = 20  # six-monthly, 10 years
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- database

def admin_execute(sql: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


def make_app(uri: str, instance: str, base_url: str, **extra):  # type: ignore[no-untyped-def]
    from coordinator import create_app

    return create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": uri, "BASE_URL": base_url,
        "MAIL_FOLDER": instance + "/mail", **extra,
    })


AGENDA_TITLES = [
    "Avances del plan nacional de integración",
    "Regularización migratoria: estado de los trámites",
    "Propuesta: acceso a salud para personas refugiadas",
    "Discursos de odio y xenofobia en redes sociales",
    "Reunificación familiar: tiempos de respuesta",
    "Protección de niñas, niños y adolescentes no acompañados",
    "Vías laborales temporales y reconocimiento de títulos",
    "Asuntos varios",
]
PRESENTERS = ["Ministerio de Relaciones Exteriores", "Red de Acogida Migrante",
              "Observatorio de Movilidad Humana", "Defensoría del Pueblo",
              "Coordinadora de Organizaciones de Mujeres Migrantes", "Secretaría técnica"]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


LOAD_SQL = [
    # one national series per country, one committee series per committee
    """
    INSERT INTO series (kind, country_id, holiday_country, location, suggestions_open_days,
                        suggestions_close_days, agenda_due_days, reminder_days, active,
                        created_at, updated_at)
    SELECT 'national', c.id, c.iso, 'Ministerio de Relaciones Exteriores, ' || c.name_es,
           42, 21, 14, '[7, 1]', true, :created, :created
    FROM countries c ORDER BY c.id
    """,
    """
    INSERT INTO series (kind, committee_id, online_url, suggestions_open_days,
                        suggestions_close_days, agenda_due_days, reminder_days, active,
                        created_at, updated_at)
    SELECT 'committee', k.id, 'https://meet.example.org/' || k.slug, 42, 21, 14, '[7, 1]',
           true, :created, :created
    FROM committees k ORDER BY k.id
    """,
    # each series' zone, cadence and first date (national: the capital's zone; committee:
    # the lead country's capital, else Panama), spread over a few days
    f"""
    CREATE TEMP TABLE bench_series AS
    SELECT s.id AS series_id, s.kind,
           CASE s.kind WHEN 'national' THEN 3 ELSE 6 END AS months,
           CASE s.kind WHEN 'national' THEN {NATIONAL_MEETINGS} ELSE {COMMITTEE_MEETINGS}
           END AS n,
           COALESCE(c.capital_zone,
                    (SELECT lc.capital_zone FROM committee_members cm
                     JOIN countries lc ON lc.id = cm.country_id
                     WHERE cm.committee_id = s.committee_id AND cm.role = 'lead'
                     ORDER BY cm.id LIMIT 1),
                    'America/Panama') AS zone,
           COALESCE(c.iso, k.slug) AS tag,
           COALESCE(c.languages ->> 0, 'en') AS language,
           (date_trunc('quarter', CAST(:today AS date) - interval '5 years')::date
            + CASE s.kind WHEN 'national' THEN (s.id * 3) % 28 ELSE 35 + (s.id * 5) % 40 END)
           AS first_date
    FROM series s LEFT JOIN countries c ON c.id = s.country_id
                  LEFT JOIN committees k ON k.id = s.committee_id
    """,
    """
    INSERT INTO series_rules (series_id, rrule, first_date, start_time, zone, duration_minutes,
                              valid_from, created_at)
    SELECT b.series_id, 'FREQ=MONTHLY;INTERVAL=' || b.months, b.first_date, time '10:00',
           b.zone, 120, b.first_date, :created
    FROM bench_series b ORDER BY b.series_id
    """,
    # the meetings, 10:00-12:00 local, each with a published agenda of 8 items
    f"""
    INSERT INTO meetings (uid, series_id, occurrence_key, start_at, end_at, zone, status,
                          sequence, moved, agenda_published_at, agenda_version,
                          published_agenda, created_at, updated_at)
    SELECT 'bench-' || b.tag || '-' || k || '@coordinator.example.org', b.series_id,
           to_char(x.d, 'YYYY-MM-DD') || 'T1000',
           (x.d + time '10:00') AT TIME ZONE b.zone,
           (x.d + time '12:00') AT TIME ZONE b.zone,
           b.zone, 'scheduled', 1, false,
           LEAST((x.d + time '10:00') AT TIME ZONE b.zone - interval '14 days',
                 CAST(:now AS timestamptz) - interval '1 day'),
           1,
           (SELECT json_agg(json_build_object(
                'id', (b.series_id * 1000 + k) * 8 + i,
                'kind', (ARRAY['progress', 'cso-proposal', 'discussion', 'other'])[1 + i % 4],
                'title', ({_sql_array(AGENDA_TITLES)})[i],
                'presenter', ({_sql_array(PRESENTERS)})[1 + (i + k) % 6],
                'duration', (ARRAY[15, 20, 30, 10])[1 + i % 4],
                'language', b.language,
                'position', i) ORDER BY i)
            FROM generate_series(1, 8) AS i),
           :created,
           LEAST((x.d + time '10:00') AT TIME ZONE b.zone - interval '14 days',
                 CAST(:now AS timestamptz) - interval '1 day')
    FROM bench_series b
    CROSS JOIN LATERAL generate_series(0, b.n - 1) AS k
    CROSS JOIN LATERAL (SELECT (b.first_date + k * b.months * interval '1 month')::date AS d)
         AS x
    ORDER BY 4
    """,
    # 5,000 approved organisations, one country and one contact each
    f"""
    INSERT INTO organisations (name, scope, kinds, led_by, website, registration_state,
                               registration_reason, created_at)
    SELECT 'Organización de la sociedad civil ' || n,
           (ARRAY['local', 'national', 'regional'])[1 + n % 3],
           CAST((ARRAY['["advocacy"]', '["service-provider"]', '["legal-aid", "research"]'])
                [1 + n % 3] AS json),
           CAST(CASE WHEN n % 4 = 0 THEN '["migrant"]' ELSE '[]' END AS json),
           'https://org' || n || '.example.org', 'approved', 'Meets the criteria.', :created
    FROM generate_series(1, {ORGANISATIONS}) AS n
    """,
    """
    WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS r FROM countries),
         t AS (SELECT count(*) AS n FROM countries)
    INSERT INTO organisation_countries (organisation_id, country_id)
    SELECT o.id, c.id FROM organisations o CROSS JOIN t JOIN c ON c.r = o.id % t.n
    """,
    """
    INSERT INTO contacts (organisation_id, name, email, language, zone, active, created_at)
    SELECT o.id, 'Contacto ' || o.id, 'contact' || o.id || '@example.org',
           COALESCE(c.languages ->> 0, 'en'), c.capital_zone, true, :created
    FROM organisations o JOIN organisation_countries oc ON oc.organisation_id = o.id
    JOIN countries c ON c.id = oc.country_id
    """,
    # participants: 12 organisations of the country per national series, 10 per committee
    """
    INSERT INTO participants (series_id, organisation_id, role, created_at)
    SELECT s.id, r.organisation_id, 'invited', :created
    FROM series s JOIN (SELECT oc.organisation_id, oc.country_id,
                               row_number() OVER (PARTITION BY oc.country_id
                                                  ORDER BY oc.organisation_id) AS rank
                        FROM organisation_countries oc) AS r
         ON r.country_id = s.country_id AND r.rank <= 12
    WHERE s.kind = 'national'
    """,
    """
    INSERT INTO participants (series_id, organisation_id, contact_id, role, created_at)
    SELECT s.id, o.id, CASE WHEN n = 0 THEN ct.id END,
           CASE WHEN n = 0 THEN 'representative' ELSE 'invited' END, :created
    FROM series s CROSS JOIN generate_series(0, 9) AS n
    JOIN organisations o ON o.id = 3000 + s.committee_id * 10 + n
    JOIN contacts ct ON ct.organisation_id = o.id
    WHERE s.kind = 'committee'
    """,
    # what the ORM's before_commit hook would have done for these rows
    """
    INSERT INTO data_versions (id, version, changed_at) VALUES (1, 1, :now)
    ON CONFLICT (id) DO UPDATE SET version = data_versions.version + 1, changed_at = :now
    """,
    "DROP TABLE bench_series",
]


def load(uri: str, instance: str, now) -> dict:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from flask_migrate import upgrade
    from sqlalchemy import text

    from coordinator.extensions import db
    from coordinator.reference.services import seed_reference

    started = time.perf_counter()
    app = make_app(uri, instance, "https://coordinator.example.org")
    params = {"now": now, "today": now.date(), "created": now - timedelta(days=6 * 365)}
    with app.app_context():
        upgrade()
        migrated = time.perf_counter()
        seed_reference(now=now)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SET synchronous_commit TO OFF")
            for sql in LOAD_SQL:
                conn.execute(text(sql), params)
            conn.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            counts = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                      for t in ("countries", "committees", "series", "series_rules",
                                "meetings", "organisations", "contacts", "participants")}
            counts["version"] = conn.exec_driver_sql(
                "SELECT version FROM data_versions WHERE id = 1").scalar()
            span = conn.exec_driver_sql("SELECT min(start_at), max(start_at) FROM meetings").one()
        db.engine.dispose()
    return {"migrate_s": migrated - started, "load_s": time.perf_counter() - migrated,
            "counts": counts, "span": span}


# --------------------------------------------------------------------------- servers

CONSTANT_APP = '''\
"""The ceiling: the same paths answered with constant bytes, same headers, same 304s."""
import json
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_HERE, "constant.json"), encoding="utf-8") as _f:
    _SPEC = json.load(_f)
ROUTES = {}
for _path, _r in _SPEC.items():
    with open(os.path.join(_HERE, _r["file"]), "rb") as _f:
        _body = _f.read()
    _headers = [(k, v) for k, v in _r["headers"]]
    ROUTES[_path] = (_body, _headers + [("Content-Length", str(len(_body)))], _r["etag"],
                     _headers)
_MISSING = [("Content-Type", "text/plain"), ("Content-Length", "0")]


def app(environ, start_response):
    route = ROUTES.get(environ.get("PATH_INFO", ""))
    if route is None:
        start_response("404 Not Found", _MISSING)
        return [b""]
    body, headers, etag, headers_304 = route
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None and etag in match:
        start_response("304 Not Modified", headers_304)
        return []
    start_response("200 OK", headers)
    return [body]
'''


# Variants of the coordinator's feed request path, patched in a generated module (never in
# the project's files), to measure what a change would buy: over HTTP with the same gunicorn
# settings, and in-process.
WHATIF_APP = '''\
"""What-if variants of the feed request path for bench/feeds.py (patched here only)."""
import os
import threading
import time

from flask import request

import coordinator.web.feeds as feeds_view
from coordinator import create_app as _create_app
from coordinator.extensions import limiter

ORIGINAL = feeds_view.current_version
DESCRIPTIONS = {
    "lean": "version read per request on its own autocommit engine (no ORM session, "
            "no BEGIN/ROLLBACK, no pre-ping): 1 round trip",
    "ttl": "version memoised per worker for 1 s (the ORM lookup at most once a second)",
    "ttl+filter": "ttl, and a Flask-Limiter request_filter skipping GET /feeds/*",
    "fastpath": "ttl, and a WSGI middleware in front of Flask answering repeat GETs of "
                "public feeds (200 from the bytes Flask produced for that version and day, "
                "304 on a matching If-None-Match) without entering Flask",
}
SEEN = threading.local()  # the version the last lookup in this thread returned


def _lean(app):
    import sqlalchemy as sa

    from coordinator.models.feeds import DataVersion

    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"],
                              isolation_level="AUTOCOMMIT", pool_size=10, pool_recycle=300)
    query = sa.select(DataVersion.version, DataVersion.changed_at).where(DataVersion.id == 1)

    def current_version(session):
        with engine.connect() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1]) if row else ORIGINAL(session)
    return current_version, engine.dispose


def _ttl(seconds=1.0):
    lock = threading.Lock()
    state = {"at": float("-inf"), "value": None}

    def current_version(session):
        if time.monotonic() - state["at"] >= seconds:
            with lock:
                if time.monotonic() - state["at"] >= seconds:
                    state["value"] = ORIGINAL(session)
                    state["at"] = time.monotonic()
        SEEN.value = state["value"]
        return state["value"]

    def fresh():
        return state["value"] if time.monotonic() - state["at"] < seconds else None
    current_version.fresh = fresh
    return current_version, lambda: None


class FastPath:
    """Repeat GETs of public feeds answered below Flask, while the memoised version is fresh.

    Entries are keyed by (path, query, data version, UTC day), which is everything the body
    and validators depend on; they are filled from what Flask answered (200 without
    Set-Cookie), so headers and bytes are Flask's own.
    """

    def __init__(self, wsgi_app, fresh):
        self.wsgi_app = wsgi_app
        self.fresh = fresh
        self.entries = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (environ.get("REQUEST_METHOD") != "GET" or not path.startswith("/feeds/")
                or path.startswith("/feeds/private/") or not path.endswith(".ics")):
            return self.wsgi_app(environ, start_response)
        query = environ.get("QUERY_STRING", "")
        version = self.fresh()
        if version is not None:
            entry = self.entries.get((path, query, version[0], time.gmtime()[:3]))
            if entry is not None:
                tag, headers, headers_304, body = entry
                match = environ.get("HTTP_IF_NONE_MATCH")
                if match is not None:
                    if match.strip() == "*" or tag in match:
                        start_response("304 Not Modified", headers_304)
                        return []
                elif environ.get("HTTP_IF_MODIFIED_SINCE") is None:
                    start_response("200 OK", headers)
                    return [body]
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)
        SEEN.value = None
        result = self.wsgi_app(environ, capture)
        used = SEEN.value
        names = {k.lower() for k, _ in seen.get("headers", ())}
        if (used is None or not seen.get("status", "").startswith("200")
                or "set-cookie" in names or "etag" not in names):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = list(seen["headers"])
        tag = dict((k.lower(), v) for k, v in headers)["etag"]
        headers_304 = [(k, v) for k, v in headers
                       if k.lower() not in ("content-length", "content-type")]
        self.entries[(path, query, used[0], time.gmtime()[:3])] = (tag, headers, headers_304,
                                                                   body)
        return [body]


def _skip_feeds():
    return request.blueprint == "feeds" and request.method in ("GET", "HEAD")


def apply(mode, app):
    """Patch the running process for `mode`; returns a function that undoes it."""
    if mode == "lean":
        lookup, close = _lean(app)
    elif mode in ("ttl", "ttl+filter", "fastpath"):
        lookup, close = _ttl()
    else:
        raise ValueError(mode)
    feeds_view.current_version = lookup
    if mode.endswith("+filter"):
        limiter.request_filter(_skip_feeds)
    wsgi_app = app.wsgi_app
    if mode == "fastpath":
        app.wsgi_app = FastPath(wsgi_app, lookup.fresh)

    def undo():
        feeds_view.current_version = ORIGINAL
        app.wsgi_app = wsgi_app
        if _skip_feeds in limiter._request_filters:
            limiter._request_filters.remove(_skip_feeds)
        close()
    return undo


def create_app():
    app = _create_app()
    apply(os.environ["BENCH_FEEDS_WHATIF"], app)
    return app
'''
WHATIFS = ("lean", "ttl", "ttl+filter", "fastpath")  # measured in-process
WHATIFS_HTTP = ("lean", "ttl", "fastpath")  # and over HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            data = f.read()
    except OSError:
        return None
    return data[data.rindex(")") + 2:].split()  # fields from "state" on


def cpu_busy_seconds() -> tuple[float, float]:
    """All CPUs' busy time since boot, and the part of it stolen by the hypervisor."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLK_TCK, fields[7] / CLK_TCK


class Gunicorn:
    def __init__(self, name: str, app_spec: str, args, env: dict[str, str],  # type: ignore[no-untyped-def]
                 tmp: str, pythonpath: str | None = None) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(tmp, f"gunicorn-{name}.log")
        argv = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}",
                "--workers", "2", "--worker-class", args.worker_class,
                "--backlog", "2048", "--keep-alive", "30", "--timeout", "120",
                "--graceful-timeout", "5", "--log-level", "warning",
                "--error-logfile", self.log_path, "--worker-tmp-dir", tmp]
        if args.worker_class == "gthread":
            argv += ["--threads", str(args.threads)]
        if pythonpath:
            argv += ["--pythonpath", pythonpath]
        argv.append(app_spec)
        self.argv = argv
        self.env = env
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=str(ROOT),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status == 200 and len(self.worker_pids()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({self.name}) did not come up; log:\n" + self.log_tail())

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children",
                      encoding="ascii") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            pids = []
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    stat = _proc_stat(int(entry))
                    if stat and int(stat[1]) == self.proc.pid:
                        pids.append(int(entry))
            return pids

    def cpu_seconds(self) -> float:
        """utime + stime of the master and its workers."""
        total = 0.0
        for pid in [*(self.worker_pids()), *( [self.proc.pid] if self.proc else [])]:
            stat = _proc_stat(pid)
            if stat:
                total += (int(stat[11]) + int(stat[12])) / CLK_TCK
        return total

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: master and workers
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------- load generator

class _Closed(Exception):
    """The server closed the connection before a byte of the response arrived."""


def _read_response(sock: socket.socket, buf: bytearray) -> tuple[int, int, bool]:
    """One HTTP/1.1 response from sock: (status, body length, server closes)."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            break
        chunk = sock.recv(65536)
        if not chunk:
            if buf:
                raise ConnectionError("connection closed inside the response head")
            raise _Closed
        buf += chunk
    head = bytes(buf[:end])
    del buf[:end + 4]
    lines = head.split(b"\r\n")
    version, status_text = lines[0].split(b" ", 2)[:2]
    status = int(status_text)
    length = None
    close = version == b"HTTP/1.0"
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            value = value.strip().lower()
            close = value == b"close" or (close and value != b"keep-alive")
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    if status in (204, 304) or status < 200:
        return status, 0, close
    if length is not None:
        while len(buf) < length:
            chunk = sock.recv(max(65536, length - len(buf)))
            if not chunk:
                raise ConnectionError("connection closed inside the body")
            buf += chunk
        del buf[:length]
        return status, length, close
    if chunked:
        total = 0
        while True:
            while (eol := buf.find(b"\r\n")) < 0:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("connection closed inside a chunk")
                buf += chunk
            size = int(bytes(buf[:eol]).split(b";")[0], 16)
            del buf[:eol + 2]
            while len(buf) < size + 2:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("connection closed inside a chunk")
                buf += chunk
            del buf[:size + 2]
            total += size
            if size == 0:
                return status, total, close  # (no trailers expected)
    total = len(buf)  # no length: the body runs to the end of the connection
    buf.clear()
    while chunk := sock.recv(65536):
        total += len(chunk)
    return status, total, True


def clean_up(servers: list, database: str | None, tmp: str) -> None:
    """Stop the servers, drop the database (when this run created it), remove temp files."""
    for server in servers:
        try:
            server.stop()
        except Exception as exc:
            print(f"could not stop {server.name}: {exc}", file=sys.stderr)
    if database is not None:
        admin_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    shutil.rmtree(tmp, ignore_errors=True)


class KeepAlive:
    """One client's HTTP/1.1 connection, reopened when the server has closed it (a stale
    kept-alive connection is retried once, fresh); counts connects and stale retries."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buf = bytearray()
        self.connects = 0
        self.stale = 0

    def exchange(self, request: bytes) -> tuple[int, int]:
        """Send one request, read its answer: (status, body length)."""
        for attempt in (1, 2):
            fresh = self.sock is None
            if self.sock is None:
                self.sock = socket.create_connection((HOST, self.port), timeout=30)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.connects += 1
                self.buf.clear()
            try:
                self.sock.sendall(request)
                status, length, close = _read_response(self.sock, self.buf)
                break
            except (_Closed, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh or attempt == 2:
                    raise
                self.stale += 1
        if close:
            self.close()
        return status, length

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _client(port: int, request: bytes, expect: int, expect_len: int | None, deadline: float,
            out: dict) -> None:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    bad_length = 0
    connection = KeepAlive(port)
    perf = time.perf_counter
    while True:
        t0 = perf()
        if t0 >= deadline:
            break
        try:
            status, length = connection.exchange(request)
            latencies.append(perf() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if status != expect:
                errors += 1
            elif expect_len is not None and length != expect_len:
                bad_length += 1
        except Exception:  # counted; the loop goes on
            errors += 1
            connection.close()
            time.sleep(0.001)
    connection.close()
    out.update(latencies=latencies, statuses=statuses, errors=errors, bad_length=bad_length,
               connects=connection.connects, stale=connection.stale, end=time.time())


def _load_process(port: int, request: bytes, expect: int, expect_len: int | None,
                  threads: int, duration: float, barrier, results) -> None:  # type: ignore[no-untyped-def]
    import resource

    outs = [{} for _ in range(threads)]
    barrier.wait()
    start_wall = time.time()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    deadline = time.perf_counter() + duration
    workers = [threading.Thread(target=_client, args=(port, request, expect, expect_len,
                                                      deadline, out))
               for out in outs]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    merged: dict = {"latencies": [], "statuses": {}, "errors": 0, "bad_length": 0,
                    "connects": 0, "stale": 0, "start": start_wall,
                    "end": max(o.get("end", start_wall) for o in outs),
                    "cpu": (usage1.ru_utime - usage0.ru_utime
                            + usage1.ru_stime - usage0.ru_stime)}
    for o in outs:
        merged["latencies"].extend(o.get("latencies", []))
        for k, v in o.get("statuses", {}).items():
            merged["statuses"][k] = merged["statuses"].get(k, 0) + v
        for k in ("errors", "bad_length", "connects", "stale"):
            merged[k] += o.get(k, 0)
    results.put(merged)


def drive(server: Gunicorn, path: str, headers: dict[str, str], expect: int,
          expect_len: int | None, *, clients: int, procs: int, seconds: float) -> dict:
    """A closed loop of `clients` clients (procs processes x threads) for `seconds`."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    request = (f"GET {path} HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
               "User-Agent: bench-feeds\r\nAccept: text/calendar\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    per = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    barrier = ctx.Barrier(procs + 1)
    results = ctx.Queue()
    children = [ctx.Process(target=_load_process,
                            args=(server.port, request, expect, expect_len, n, seconds,
                                  barrier, results), daemon=True)
                for n in per if n]
    for child in children:
        child.start()
    barrier.wait(timeout=60)
    cpu0, (busy0, steal0) = server.cpu_seconds(), cpu_busy_seconds()
    wall0 = time.time()
    parts = [results.get(timeout=seconds + 120) for _ in children]
    wall1 = time.time()
    cpu1, (busy1, steal1) = server.cpu_seconds(), cpu_busy_seconds()
    for child in children:
        child.join(timeout=30)
    latencies = sorted(x for p in parts for x in p["latencies"])
    statuses: dict[int, int] = {}
    for p in parts:
        for k, v in p["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    start = min(p["start"] for p in parts)
    end = max(p["end"] for p in parts)
    n = len(latencies)
    elapsed = max(end - start, 1e-9)
    load_cpu = sum(p["cpu"] for p in parts)
    server_cpu = cpu1 - cpu0
    busy = busy1 - busy0
    steal = steal1 - steal0
    return {
        "requests": n, "elapsed": elapsed, "rps": n / elapsed,
        "p50": _pct(latencies, 50) * 1000, "p99": _pct(latencies, 99) * 1000,
        "mean": (statistics.fmean(latencies) * 1000) if n else float("nan"),
        "statuses": statuses, "errors": sum(p["errors"] for p in parts),
        "bad_length": sum(p["bad_length"] for p in parts),
        "connects": sum(p["connects"] for p in parts), "stale": sum(p["stale"] for p in parts),
        "server_cpu": server_cpu, "load_cpu": load_cpu,
        "other_cpu": max(busy - steal - server_cpu - load_cpu, 0.0), "busy": busy,
        "steal": steal,
        "window": wall1 - wall0,
    }


def _pct(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --------------------------------------------------------------------------- helpers

def fetch(port: int, path: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def warm_up(port: int, paths: list[tuple[str, dict[str, str]]], rounds: int = 6,
            parallel: int = 8) -> None:
    """Each URL requested `rounds` x `parallel` times, concurrently, so both workers see it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(parallel) as pool:
        for _ in range(rounds):
            for path, headers in paths:
                list(pool.map(lambda _, p=path, h=headers: fetch(port, p, h)[0],
                              range(parallel)))


REPLAYED = ("content-type", "etag", "last-modified", "cache-control", "vary")


# --------------------------------------------------------------------------- diagnosis

def _load_module(name: str, path: str):  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def diagnose(uri: str, instance: str, base_url: str, tmp: str, country_path: str,
             tag: str, bodies: dict[str, bytes], n: int = 500) -> None:
    """Where a request's time goes, in-process (no HTTP, one thread): the WSGI call per
    scenario as configured, without pool_pre_ping and with each what-if variant; the
    data-version lookup alone; one bare round trip; a profile of the 304."""
    import cProfile
    import io
    import pstats
    import resource

    from werkzeug.test import EnvironBuilder

    from coordinator.extensions import db
    from coordinator.models import current_version

    constant = _load_module("bench_constant_app", os.path.join(tmp, "constant_app.py"))
    whatif = _load_module("bench_whatif_app", os.path.join(tmp, "whatif_app.py"))

    def call(app, environ: dict) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        seen = {}

        def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            seen["status"] = int(status.split()[0])

        result = app(dict(environ), start_response)
        size = sum(len(part) for part in result)
        if hasattr(result, "close"):
            result.close()
        return seen["status"], size

    def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        """(wall ms, CPU ms) per call of fn, over n calls after a few untimed ones."""
        for _ in range(30):
            fn()
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        for _ in range(n):
            fn()
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
        return wall / n * 1000, cpu / n * 1000

    host = base_url.split("://", 1)[1]
    env_200 = EnvironBuilder(path=country_path, base_url=f"http://{host}").get_environ()
    env_304 = EnvironBuilder(path=country_path, base_url=f"http://{host}",
                             headers={"If-None-Match": tag}).get_environ()

    def check(app, environ, expect, length):  # type: ignore[no-untyped-def]
        status, size = call(app, environ)
        assert (status, size) == (expect, length), (status, size, expect, length)

    rows = []
    for label, options, mode in (("as configured (pool_pre_ping on)", None, None),
                                 ("pool_pre_ping off", {"pool_pre_ping": False}, None),
                                 *((f"what-if {m}", None, m) for m in WHATIFS)):
        extra = {"SQLALCHEMY_ENGINE_OPTIONS": options} if options is not None else {}
        app = make_app(uri, instance, base_url, **extra)
        undo = whatif.apply(mode, app) if mode else (lambda: None)
        try:
            check(app, env_200, 200, len(bodies[country_path]))
            check(app, env_304, 304, 0)
            row = [label, timed(lambda a=app: call(a, env_200)),
                   timed(lambda a=app: call(a, env_304))]
            if mode is None:
                def lookup(app=app) -> None:  # type: ignore[no-untyped-def]
                    with app.app_context():
                        current_version(db.session)
                row.append(timed(lookup))  # app context teardown: session.remove()
                with app.app_context():
                    conn = db.engine.raw_connection()
                    try:
                        cur = conn.cursor()

                        def roundtrip(cur=cur) -> None:  # type: ignore[no-untyped-def]
                            cur.execute("SELECT 1")
                            cur.fetchall()
                        row.append(timed(roundtrip))
                        conn.rollback()
                    finally:
                        conn.close()
            rows.append(row)
            if mode is None and options is None:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(n):
                    call(app, env_304)
                profiler.disable()
        finally:
            undo()
            with app.app_context():
                db.engine.dispose()
    c_200 = timed(lambda: call(constant.app, env_200))
    c_304 = timed(lambda: call(constant.app, env_304))

    def cell(v: tuple[float, float] | None) -> str:
        return f"{v[0]:6.3f} /{v[1]:6.3f}" if v else ""

    print(f"\nwhere the time goes, in-process (WSGI calls, no HTTP, one thread; ms per call, "
          f"wall / CPU, {n} calls each):")
    print(f"  {'':46} {'country 200':>15} {'country 304':>15} {'version lookup':>15} "
          f"{'bare SELECT 1':>15}")
    for label, *cells in rows:
        print(f"  {'coordinator, ' + label:46} " + " ".join(f"{cell(c):>15}" for c in cells))
    print(f"  {'ceiling app (constant bytes)':46} {cell(c_200):>15} {cell(c_304):>15}")
    print("  version lookup = current_version(db.session) in an app context, torn down as a "
          "request is\n  (pool checkout + pre-ping, BEGIN, SELECT, ROLLBACK, check-in); "
          "bare SELECT 1 = one round trip\n  on a held connection.")
    for mode in WHATIFS:
        print(f"  what-if {mode}: {whatif.DESCRIPTIONS[mode]}")

    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(22)
    print(f"\ncProfile of {n} revalidations (304) of {country_path}, as configured, "
          "by cumulative time (s):")
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    site = str(Path(sys.prefix)) + f"/lib/python{sys.version_info[0]}.{sys.version_info[1]}/"
    for line in lines[start:]:
        if line.strip():
            print("  " + line.replace(str(ROOT) + "/", "").replace(site + "site-packages/", "")
                  .replace(site, ""))


def run_whatifs(args, env: dict[str, str], tmp: str, scenarios: list, results: dict,  # type: ignore[no-untyped-def]
                seconds: float) -> None:
    """The country feed (200) and its revalidation (304) on each what-if variant, served by
    the same gunicorn settings; ratios to the ceiling measured above."""
    print(f"\nwhat-if variants over HTTP (same gunicorn settings and load, {seconds:g} s per "
          "run; ratio to the ceiling above):")
    print(f"  {'variant':12} {'scenario':42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6} {'srv CPU ms/req':>14} {'CPU s: srv/load/other/steal':>28} "
          f"{'ratio':>6}")
    for mode in WHATIFS_HTTP:
        server = Gunicorn(f"whatif-{mode}", "whatif_app:create_app()", args, env, tmp,
                          pythonpath=tmp)
        server.env = {**env, "COORDINATOR_BASE_URL": server.base, "BENCH_FEEDS_WHATIF": mode}
        try:
            server.start()
            server.wait_ready(scenarios[0][2])
            warm_up(server.port, [(p, h) for _, _, p, h, _, _ in scenarios[:2]])
            for key, title, path, headers, expect, length in scenarios[:2]:
                if args.warmup > 0:
                    drive(server, path, headers, expect, length, clients=args.clients,
                          procs=args.procs, seconds=args.warmup)
                r = drive(server, path, headers, expect, length, clients=args.clients,
                          procs=args.procs, seconds=seconds)
                ratio = r["rps"] / results[key]["ceiling"]["rps"]
                target = TARGETS[key]
                cpu = (f"{r['server_cpu']:.1f}/{r['load_cpu']:.1f}/{r['other_cpu']:.1f}/"
                       f"{r['steal']:.1f}")
                print(f"  {mode:12} {title:42} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} "
                      f"{r['errors'] + r['bad_length']:6d} "
                      f"{r['server_cpu'] / max(r['requests'], 1) * 1000:14.3f} "
                      f"{cpu:>28} {ratio:6.2f}"
                      f"  ({'met' if ratio >= target else 'missed'} {target:.1f})")
        finally:
            server.stop()


# --------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of load before each measured run (not counted)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--country", default="MX")
    parser.add_argument("--no-diagnose", action="store_true",
                        help="skip the what-if runs and the in-process diagnosis")
    parser.add_argument("--whatif", action="store_true",
                        help="run the what-if variants even when the targets are met")
    parser.add_argument("--whatif-seconds", type=float, default=10.0,
                        help="measured seconds per what-if run (at most --seconds)")
    args = parser.parse_args()

    from coordinator.cadence.zones import utc_now

    now = utc_now().replace(microsecond=0)
    began = time.monotonic()
    name = f"bench_feeds_{os.getpid()}"
    uri = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    tmp = tempfile.mkdtemp(prefix="bench_feeds_")
    instance = os.path.join(tmp, "instance")
    os.makedirs(instance)
    servers: list[Gunicorn] = []
    created = False
    workers = (f"{args.worker_class}, {args.threads} threads each"
               if args.worker_class == "gthread" else "sync")
    print(f"feeds benchmark: {os.cpu_count()} CPUs, gunicorn 2 workers ({workers}), "
          f"{args.clients} clients ({args.procs} processes), {args.seconds:g} s per run after "
          f"{args.warmup:g} s warm-up, now = {now.isoformat()}")
    try:
        admin_execute(f'CREATE DATABASE "{name}"')
        created = True
        info = load(uri, instance, now)
        c = info["counts"]
        print(f"\ndata: database {name} migrated in {info['migrate_s']:.1f} s, loaded in "
              f"{info['load_s']:.1f} s: {c['countries']} countries, {c['committees']} "
              f"committees, {c['series']} series ({c['series_rules']} rules), "
              f"{c['meetings']:,} meetings ({info['span'][0]:%Y-%m-%d} .. "
              f"{info['span'][1]:%Y-%m-%d}), {c['organisations']:,} organisations, "
              f"{c['contacts']:,} contacts, {c['participants']} participants; data version "
              f"{c['version']}")

        env = {**os.environ, "COORDINATOR_SQLALCHEMY_DATABASE_URI": uri,
               "COORDINATOR_SECRET_KEY": "bench", "COORDINATOR_INSTANCE_PATH": instance,
               # gunicorn needs a shared rate-limit store, as in production.
               "COORDINATOR_RATELIMIT_STORAGE_URI": os.environ.get(
                   "COORDINATOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
               "COORDINATOR_RATELIMIT_KEY_PREFIX": f"bench-{os.getpid()}",
               "PYTHONUNBUFFERED": "1"}
        for key in ("FLASK_DEBUG", "COORDINATOR_BASE_URL"):
            env.pop(key, None)
        app_server = Gunicorn("coordinator", "coordinator:create_app()", args, env, tmp)
        app_server.env = {**env, "COORDINATOR_BASE_URL": app_server.base}
        servers.append(app_server)
        app_server.start()
        country_path = f"/feeds/country/{args.country}.ics"
        app_server.wait_ready(country_path)

        # what each URL answers, from the coordinator, to replay on the ceiling
        bodies: dict[str, bytes] = {}
        replay: dict[str, dict] = {}
        for path in (country_path, "/feeds/all.ics"):
            status, headers, body = fetch(app_server.port, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            bodies[path] = body
            kept = [(k, v) for k, v in headers if k.lower() in REPLAYED]
            replay[path] = {"file": path.strip("/").replace("/", "_"), "headers": kept,
                            "etag": dict((k.lower(), v) for k, v in headers)["etag"]}
            Path(tmp, replay[path]["file"]).write_bytes(body)
        tag = replay[country_path]["etag"]
        status, _, body = fetch(app_server.port, country_path, {"If-None-Match": tag})
        if status != 304:
            raise RuntimeError(f"revalidation answered {status}, not 304")
        events = {p: b.count(b"BEGIN:VEVENT") for p, b in bodies.items()}
        print(f"feeds: {country_path} {len(bodies[country_path]):,} bytes, "
              f"{events[country_path]} events; /feeds/all.ics {len(bodies['/feeds/all.ics']):,} "
              f"bytes, {events['/feeds/all.ics']} events; ETag {tag}; Content-Type "
              f"{dict((k.lower(), v) for k, v in replay[country_path]['headers'])['content-type']}")
        Path(tmp, "constant.json").write_text(json.dumps(replay), encoding="utf-8")
        Path(tmp, "constant_app.py").write_text(CONSTANT_APP, encoding="utf-8")
        Path(tmp, "whatif_app.py").write_text(WHATIF_APP, encoding="utf-8")

        ceiling = Gunicorn("ceiling", "constant_app:app", args, env, tmp, pythonpath=tmp)
        servers.append(ceiling)
        ceiling.start()
        ceiling.wait_ready(country_path)

        scenarios = [
            ("country", f"country feed {args.country} (200)", country_path, {}, 200,
             len(bodies[country_path])),
            ("revalidate", f"country feed {args.country}, If-None-Match (304)", country_path,
             {"If-None-Match": tag}, 304, 0),
            ("all", "all-feed (200)", "/feeds/all.ics", {}, 200, len(bodies["/feeds/all.ics"])),
        ]
        for server in servers:
            warm_up(server.port, [(p, h) for _, _, p, h, _, _ in scenarios])
        # both answer identically, byte for byte
        for path in bodies:
            assert fetch(ceiling.port, path)[2] == bodies[path]

        results: dict[str, dict[str, dict]] = {}
        for key, _title, path, headers, expect, length in scenarios:
            results[key] = {}
            for server in servers:
                if args.warmup > 0:
                    drive(server, path, headers, expect, length, clients=args.clients,
                          procs=args.procs, seconds=args.warmup)
                r = drive(server, path, headers, expect, length, clients=args.clients,
                          procs=args.procs, seconds=args.seconds)
                results[key][server.name] = r

        # ------------------------------------------------------------------ report
        print(f"\n{'scenario':42} {'server':12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'requests':>9} {'errors':>6} {'conns':>7} {'srv CPU ms/req':>14} "
              f"{'CPU s: srv/load/other/steal':>28}")
        for key, title, *_ in scenarios:
            for server in servers:
                r = results[key][server.name]
                errors = r["errors"] + r["bad_length"]
                cpu = (f"{r['server_cpu']:.1f}/{r['load_cpu']:.1f}/{r['other_cpu']:.1f}/"
                       f"{r['steal']:.1f}")
                print(f"{title if server is servers[0] else '':42} {server.name:12} "
                      f"{r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['requests']:9d} "
                      f"{errors:6d} {r['connects']:7d} "
                      f"{r['server_cpu'] / max(r['requests'], 1) * 1000:14.3f} {cpu:>28}")
            ratio = results[key]["coordinator"]["rps"] / results[key]["ceiling"]["rps"]
            target = TARGETS.get(key)
            verdict = (f"target >= {target:.1f}: {'met' if ratio >= target else 'MISSED'}"
                       if target else "no target")
            print(f"{'':42} {'ratio':12} {ratio:8.2f}  ({verdict})")
        print(f"\n(CPU s over each {args.seconds:g} s run, {os.cpu_count()} CPUs = "
              f"{(os.cpu_count() or 1) * args.seconds:g} CPU s: gunicorn master+workers / load "
              "generator / everything else, mostly PostgreSQL / stolen by the hypervisor;\n"
              " conns = TCP connections opened; srv CPU ms/req = gunicorn CPU per request)")
        bad = {f"{k}/{s}": (r["statuses"], r["errors"], r["bad_length"])
               for k, v in results.items() for s, r in v.items()
               if r["errors"] or r["bad_length"]}
        print("statuses: " + "; ".join(
            f"{k}/{s} {dict(sorted(r['statuses'].items()))}"
            for k, v in results.items() for s, r in v.items()))
        if bad:
            print(f"ERRORS (unexpected status, failed request or wrong length): {bad}")
        missed = [k for k, t in TARGETS.items()
                  if results[k]["coordinator"]["rps"] / results[k]["ceiling"]["rps"] < t]
        print("targets: " + ("all met" if not missed else "missed: " + ", ".join(missed)))

        for server in servers:
            server.stop()
        # The what-if variants patch the request path as it was before the fast path (they
        # were the design study for it); they no longer apply to the current code.
        import coordinator.web.feeds as feeds_view

        if not args.no_diagnose and (missed or args.whatif):
            if hasattr(feeds_view, "current_version"):
                run_whatifs(args, env, tmp, scenarios, results,
                            min(args.seconds, args.whatif_seconds))
                diagnose(uri, instance, app_server.base, tmp, country_path, tag, bodies)
            else:
                print("what-if variants and diagnosis skipped: they model the request path "
                      "before the fast path (see git history of bench/feeds.py)")
    finally:
        clean_up(servers, name if created else None, tmp)
    print(f"\ndone in {time.monotonic() - began:.0f} s; database {name}, servers and "
          "temporary files removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
