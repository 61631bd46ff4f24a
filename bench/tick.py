"""One scheduler tick with 1,000 and with 1,000,000 meetings in PostgreSQL.

    .venv/bin/python bench/tick.py [--sizes 1000,1000000] [--runs 20] [--warmup 3]

The tick is what the scheduler does every couple of minutes when little is due:
  - the "deadlines" job: `coordinator.invitations.deadlines.run_due_deadlines(now=...)`;
  - the "dispatch" job with an empty outbox: `coordinator.mail.dispatch.dispatch(now)`
    (its claim query, finding nothing).

Each size gets a fresh database built by the migrations, then filled with SQL
(INSERT ... SELECT generate_series): series, meetings two years back and eighteen months
ahead, and three deadlines per meeting (invitations at -100 days, reminders at -7 and -1
days). Deadlines already past are done, future ones pending, and 5 reminder deadlines of
meetings starting within a day (which have no invitations) are due and pending, so each
tick does a little real work. They are re-armed before every timed run (not timed).

Prints median and p95 in ms for each size, the large/small ratio, and EXPLAIN ANALYZE of
the tick's queries on the largest database. Everything it creates is dropped at the end.
No timing is asserted; the script exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coordinator.mail.dispatch import DispatchResult

ADMIN_URL = os.environ.get("COORDINATOR_BENCH_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MEETINGS_PER_SERIES = 20
DUE_NOW = 5
TARGET_MS = 100.0
TARGET_RATIO = 3.0


def admin_execute(sql: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


def make_app(uri: str, instance: str):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from coordinator import create_app

    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench-secret", "SQLALCHEMY_DATABASE_URI": uri,
        "BASE_URL": "https://coordinator.example.org", "MAIL_FOLDER": instance + "/mail",
        "MAIL_DEFAULT_SENDER": "coordinator@coordinator.example.org",
    })
    with app.app_context():
        upgrade()
    return app


# Meetings are laid out evenly from two years ago to eighteen months ahead; the ones
# starting within (now, now + 1 day] are where the due reminders come from.
LOAD_SQL = [
    """
    INSERT INTO series (id, kind, country_id, holiday_country, location,
                        suggestions_open_days, suggestions_close_days, agenda_due_days,
                        reminder_days, active, created_at, updated_at)
    SELECT s, 'national', (SELECT id FROM countries ORDER BY id
                           OFFSET (s % (SELECT count(*) FROM countries)) LIMIT 1),
           NULL, 'Ministerio de Relaciones Exteriores', 42, 21, 14, '[7, 1]', true,
           :now - interval '2 years', :now - interval '2 years'
    FROM generate_series(1, :series) AS s
    """,
    """
    INSERT INTO meetings (id, uid, series_id, occurrence_key, start_at, end_at, zone, status,
                          sequence, moved, location, created_at, updated_at)
    SELECT m, 'bench-' || m || '@coordinator.example.org',
           (m - 1) / :per_series + 1,
           'k' || ((m - 1) % :per_series),
           :start + (m - 1) * :step,
           :start + (m - 1) * :step + interval '2 hours',
           'America/Guatemala', 'scheduled', 0, false, NULL,
           :now - interval '2 years', :now - interval '2 years'
    FROM generate_series(1, :meetings) AS m
    """,
    """
    INSERT INTO deadlines (meeting_id, kind, offset_days, due_at, done_at)
    SELECT m.id, d.kind, d.offset_days, m.start_at - d.offset_days * interval '1 day'
                                          - CASE WHEN d.kind = 'invitations'
                                                 THEN interval '100 days' ELSE interval '0'
                                            END,
           NULL
    FROM meetings m
    CROSS JOIN (VALUES ('invitations', 0), ('reminder', 7), ('reminder', 1))
         AS d(kind, offset_days)
    ORDER BY 4
    """,
    # what is past is done (at its due time), what is ahead pending
    "UPDATE deadlines SET done_at = due_at WHERE due_at <= :now",
    "SELECT setval('series_id_seq', (SELECT max(id) FROM series))",
    "SELECT setval('meetings_id_seq', (SELECT max(id) FROM meetings))",
]

DUE_IDS_SQL = f"""
    SELECT d.id FROM deadlines d JOIN meetings m ON m.id = d.meeting_id
    WHERE d.kind = 'reminder' AND d.offset_days = 1 AND m.start_at > :now
      AND m.start_at <= :now + interval '1 day'
    ORDER BY m.start_at LIMIT {DUE_NOW}
"""


def load(app, n_meetings: int, now) -> dict[str, float | int]:  # type: ignore[no-untyped-def]
    """Fill the database with SQL; returns timings and counts."""
    from sqlalchemy import text

    from coordinator.extensions import db
    from coordinator.reference.services import seed_reference

    span_start = now - timedelta(days=730)
    span = timedelta(days=730 + 548)
    step = span / n_meetings
    params = {"now": now, "start": span_start, "step": step,
              "series": -(-n_meetings // MEETINGS_PER_SERIES), "per_series": MEETINGS_PER_SERIES,
              "meetings": n_meetings}
    started = time.perf_counter()
    with app.app_context():
        seed_reference(now=now)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SET synchronous_commit TO OFF")
            conn.exec_driver_sql("SET maintenance_work_mem TO '256MB'")
            for sql in LOAD_SQL:
                conn.execute(text(sql), params)
            # a handful due now: reminders of meetings starting within the day, not done
            due = [r[0] for r in conn.execute(text(DUE_IDS_SQL), params)]
            if len(due) < DUE_NOW:  # small sizes: fewer than 5 meetings in the next day
                extra = [r[0] for r in conn.execute(text(
                    "SELECT m.id FROM meetings m WHERE m.start_at > :now + interval '1 day' "
                    "ORDER BY m.start_at LIMIT :k"), {"now": now, "k": DUE_NOW - len(due)})]
                for meeting_id in extra:
                    conn.execute(text(
                        "UPDATE meetings SET start_at = :now + interval '20 hours', "
                        "end_at = :now + interval '22 hours' WHERE id = :id"),
                        {"now": now, "id": meeting_id})
                    conn.execute(text(
                        "UPDATE deadlines SET due_at = :now - interval '4 hours' "
                        "WHERE meeting_id = :id AND kind = 'reminder' AND offset_days = 1"),
                        {"now": now, "id": meeting_id})
                due = [r[0] for r in conn.execute(text(DUE_IDS_SQL), params)]
            conn.execute(text("UPDATE deadlines SET done_at = NULL WHERE id = ANY(:ids)"),
                         {"ids": due})
            conn.commit()
        loaded = time.perf_counter() - started
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            counts = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                      for t in ("series", "meetings", "deadlines")}
            pending = conn.exec_driver_sql(
                "SELECT count(*) FROM deadlines WHERE done_at IS NULL").scalar()
            due_now = conn.execute(text(
                "SELECT count(*) FROM deadlines WHERE done_at IS NULL AND due_at <= :now"),
                {"now": now}).scalar()
            invitations = conn.exec_driver_sql("SELECT count(*) FROM invitations").scalar()
            size = conn.exec_driver_sql(
                "SELECT pg_size_pretty(pg_database_size(current_database()))").scalar()
        db.engine.dispose()
    return {"load_s": loaded, "analyze_s": time.perf_counter() - started - loaded,
            **counts, "pending": pending, "due_now": due_now, "invitations": invitations,
            "db_size": size, "due_ids": due}


def tick(now) -> tuple[float, float, int, DispatchResult]:  # type: ignore[no-untyped-def]
    """One tick: the deadlines job, then the dispatch job on an empty outbox."""
    from coordinator.invitations.deadlines import run_due_deadlines
    from coordinator.mail.dispatch import dispatch

    t0 = time.perf_counter()
    queued = run_due_deadlines(now=now)
    t1 = time.perf_counter()
    sent = dispatch(now)
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000, queued, sent


def rearm(due_ids: list[int]) -> None:
    from sqlalchemy import text

    from coordinator.extensions import db

    db.session.execute(text("UPDATE deadlines SET done_at = NULL WHERE id = ANY(:ids)"),
                       {"ids": due_ids})
    db.session.commit()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(app, now, due_ids: list[int], runs: int, warmup: int) -> dict:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from coordinator.extensions import db
    from coordinator.models import AuditEntry, Deadline

    totals, deadline_ms, dispatch_ms = [], [], []
    acted, messages = [], []
    with app.app_context():
        for i in range(warmup + runs):
            rearm(due_ids)
            d_ms, s_ms, queued, sent = tick(now)
            done = db.session.scalar(select(func.count()).select_from(Deadline).where(
                Deadline.id.in_(due_ids), Deadline.done_at.is_not(None)))
            db.session.commit()
            if i >= warmup:
                deadline_ms.append(d_ms)
                dispatch_ms.append(s_ms)
                totals.append(d_ms + s_ms)
                acted.append(done)
                messages.append(queued + sent.sent)
        audit = db.session.scalar(select(func.count()).select_from(AuditEntry))
        db.session.remove()
    return {"total": totals, "deadlines": deadline_ms, "dispatch": dispatch_ms,
            "acted": acted, "messages": messages, "audit": audit}


def explain(app, now, due_ids: list[int], meeting_id: int) -> None:  # type: ignore[no-untyped-def]
    """EXPLAIN ANALYZE of the tick's queries, as the ORM emits them (due deadlines re-armed;
    each statement runs in a transaction that is rolled back)."""
    from sqlalchemy import select, update
    from sqlalchemy.dialects import postgresql

    from coordinator.extensions import db
    from coordinator.mail.dispatch import CLAIM_LEASE
    from coordinator.models import Deadline, Invitation, Meeting, OutboxMessage, OutboxState

    statements = {
        "deadlines: due_deadline_ids (5 due, pending)": select(Deadline.id)
        .where(Deadline.done_at.is_(None), Deadline.due_at <= now)
        .order_by(Deadline.due_at).limit(500),
        f"deadlines: lock one deadline ({due_ids[0]})": select(Deadline)
        .where(Deadline.id == due_ids[0], Deadline.done_at.is_(None))
        .with_for_update(skip_locked=True),
        f"deadlines: deadline.meeting ({meeting_id})": select(Meeting)
        .where(Meeting.id == meeting_id),
        "dispatch: expire claims": update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING,
               OutboxMessage.claimed_at < now - CLAIM_LEASE)
        .values(state=OutboxState.QUEUED, last_error="claim expired: resent"),
        "dispatch: claim": select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.body)
        .where(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(200)
        .with_for_update(skip_locked=True),
        f"deadlines: act_on -> _invited (meeting {meeting_id})": select(Invitation)
        .where(Invitation.meeting_id == meeting_id, Invitation.sent_sequence.is_not(None),
               Invitation.cancelled.is_(False)),
    }
    with app.app_context():
        rearm(due_ids)
        for title, statement in statements.items():
            compiled = statement.compile(dialect=postgresql.dialect(),
                                         compile_kwargs={"literal_binds": True})
            print(f"\n  -- EXPLAIN ANALYZE {title}")
            with db.engine.connect() as conn:
                for (line,) in conn.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + str(compiled)):
                    print("     " + line)
                conn.rollback()
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,1000000",
                        help="meeting counts, comma-separated (default 1000,1000000)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    logging.basicConfig(level=logging.WARNING)

    from coordinator.cadence.zones import utc_now

    instance = tempfile.mkdtemp(prefix="bench_tick_")
    os.environ["COORDINATOR_INSTANCE_PATH"] = instance  # keep the repo's instance/ untouched
    created: list[str] = []
    results: dict[int, dict] = {}
    now = utc_now().replace(microsecond=0)
    print(f"tick benchmark: sizes {sizes}, {args.runs} timed runs after {args.warmup} "
          f"warm-up, {os.cpu_count()} CPUs, now = {now.isoformat()}")
    try:
        for size in sizes:
            name = f"bench_tick_{os.getpid()}_{size}"
            admin_execute(f'CREATE DATABASE "{name}"')
            created.append(name)
            app = make_app(ADMIN_URL.rsplit("/", 1)[0] + "/" + name, instance)
            info = load(app, size, now)
            print(f"\n[{size:,} meetings] loaded in {info['load_s']:.1f} s, VACUUM ANALYZE "
                  f"{info['analyze_s']:.1f} s: {info['series']:,} series, "
                  f"{info['meetings']:,} meetings, {info['deadlines']:,} deadlines "
                  f"({info['pending']:,} pending, {info['due_now']} due now), "
                  f"{info['invitations']} invitations, database {info['db_size']}")
            r = measure(app, now, info["due_ids"], args.runs, args.warmup)
            results[size] = r
            print(f"[{size:,} meetings] tick: median {statistics.median(r['total']):.1f} ms, "
                  f"p95 {p95(r['total']):.1f} ms  (deadlines job median "
                  f"{statistics.median(r['deadlines']):.1f} ms / p95 {p95(r['deadlines']):.1f};"
                  f" dispatch job median {statistics.median(r['dispatch']):.1f} ms / p95 "
                  f"{p95(r['dispatch']):.1f}); due deadlines acted on per run: "
                  f"{sorted(set(r['acted']))}, messages queued+sent per run: "
                  f"{sorted(set(r['messages']))}")
            if size == max(sizes):
                print(f"[{size:,} meetings] query plans:")
                with app.app_context():
                    from coordinator.extensions import db
                    from coordinator.models import Deadline

                    meeting_id = db.session.get(Deadline, info["due_ids"][0]).meeting_id
                    db.session.remove()
                explain(app, now, info["due_ids"], meeting_id)
            with app.app_context():
                from coordinator.extensions import db

                db.engine.dispose()
            admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            created.remove(name)

        if len(sizes) >= 2:
            small, large = min(sizes), max(sizes)
            m_small = statistics.median(results[small]["total"])
            m_large = statistics.median(results[large]["total"])
            ratio = m_large / m_small
            print(f"\nsummary: median tick {m_small:.1f} ms ({small:,}) vs {m_large:.1f} ms "
                  f"({large:,}); ratio large/small {ratio:.2f} (target <= {TARGET_RATIO}); "
                  f"large p95 {p95(results[large]['total']):.1f} ms (target < {TARGET_MS:.0f})")
    finally:
        for name in created:
            admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
