"""Outbox dispatch throughput against a local aiosmtpd server.

    .venv/bin/python bench/dispatch.py [--messages N] [--profile] [--what-if]

Prints messages per second for:
  1. the ceiling: plain smtplib over one connection, pre-built messages of our size;
  2. coordinator's dispatcher (`coordinator.mail.dispatch.dispatch`) on PostgreSQL;
  3. the same dispatcher on SQLite (a temporary file).

The ceiling is measured before, between and after the dispatcher runs (this machine is
noisy); each ratio uses the two ceilings around it. Each dispatcher run also prints where
its time goes (claim / SMTP send / per-message mark / connection), measured by wrapping
those functions in this process.

The SMTP server runs in a separate process (its own GIL) and only counts messages.
Everything created (the PostgreSQL database, temp files, the server) is removed at the end.
`--profile` adds a cProfile run of the PostgreSQL dispatcher (top functions by own and
cumulative time); `--what-if` times a simulation of the suggested fix (sent rows marked
in groups). No timing is asserted; the script exits 0.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import shutil
import smtplib
import socket
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta

ADMIN_URL = os.environ.get("COORDINATOR_BENCH_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SENDER = "coordinator@coordinator.example.org"
TARGET_RATIO = 0.5


# --------------------------------------------------------------------------- SMTP server
def _serve(port: int, counter, ready, stop) -> None:  # type: ignore[no-untyped-def]
    """Child process: aiosmtpd on 127.0.0.1 whose handler only counts and answers 250."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        stop.wait()
    finally:
        controller.stop()


class Server:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        ctx = mp.get_context("spawn")  # a clean interpreter: no inherited DB connections
        self.counter = ctx.Value("q", 0)
        self.ready, self.stop_event = ctx.Event(), ctx.Event()
        self.process = ctx.Process(target=_serve, daemon=True,
                                   args=(self.port, self.counter, self.ready, self.stop_event))

    def start(self) -> Server:
        self.process.start()
        if not self.ready.wait(30):
            raise RuntimeError("the SMTP server did not start")
        return self

    @property
    def count(self) -> int:
        with self.counter.get_lock():
            return self.counter.value

    def reset(self) -> None:
        with self.counter.get_lock():
            self.counter.value = 0

    def wait_for(self, n: int, timeout: float = 10.0) -> int:
        end = time.monotonic() + timeout
        while self.count < n and time.monotonic() < end:
            time.sleep(0.01)
        return self.count

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# --------------------------------------------------------------------------- databases
def _admin():  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    return sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_pg_database(name: str) -> str:
    import sqlalchemy as sa

    engine = _admin()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(name: str) -> None:
    import sqlalchemy as sa

    engine = _admin()
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def make_app(uri: str, instance: str):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from coordinator import create_app

    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench-secret", "SQLALCHEMY_DATABASE_URI": uri,
        "BASE_URL": "https://coordinator.example.org", "MAIL_FOLDER": instance + "/mail",
        "MAIL_DEFAULT_SENDER": SENDER,
    })
    with app.app_context():
        upgrade()
    return app


def use_smtp(app, port: int) -> None:  # type: ignore[no-untyped-def]
    """As tests/conftest.py use_smtp: Flask-Mail copies its settings at init_app."""
    state = app.extensions["mail"]
    state.server, state.port, state.suppress = "127.0.0.1", port, False
    state.use_tls = state.use_ssl = False
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)


# --------------------------------------------------------------------------- the message
DESCRIPTION = (
    "Quarterly meeting of the special coordinator with national and local civil-society "
    "organisations under the Los Angeles Declaration on Migration and Protection. "
    "Items proposed so far: access to regular pathways and temporary protection, "
    "labour mobility schemes, protection of people in transit in the western highlands, "
    "and follow-up on the commitments of the last regional meeting."
)


def build_invitation(now):  # type: ignore[no-untyped-def]
    """One real invitation, composed by coordinator itself (inside an app context).

    Returns (EmailMessage, serialised body as stored in the outbox)."""
    from sqlalchemy import delete, select

    from coordinator.cadence.kinds import SeriesKind
    from coordinator.extensions import db
    from coordinator.invitations.messages import invitation_message
    from coordinator.invitations.participants import add_participant
    from coordinator.mail.compose import serialise
    from coordinator.meetings.series import SeriesInput, schedule_series
    from coordinator.models import (
        Account,
        Contact,
        Invitation,
        Organisation,
        OutboxMessage,
        RegistrationState,
        Role,
        Scope,
    )
    from coordinator.reference.services import seed_reference
    from coordinator.unit import Actor

    seed_reference(now=now)
    coordinator = Account(name="Coordinadora Especial de Guatemala",
                          email="coordinacion.gt@example.org", role=Role.SPECIAL_COORDINATOR,
                          language="es", zone="America/Guatemala", created_at=now)
    org = Organisation(name="Red de Acogida Migrante de Quetzaltenango", scope=Scope.NATIONAL,
                       kinds=[], led_by=[], registration_state=RegistrationState.APPROVED,
                       created_at=now)
    org.contacts.append(Contact(name="Ana Lucía Ixcot", email="ana.ixcot@example.org",
                                language="es", zone="America/Guatemala", created_at=now))
    db.session.add_all([coordinator, org])
    db.session.commit()
    first = (now + timedelta(days=30)).date().replace(day=10)
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=first, start_time=clock(10),
        zone="America/Guatemala", coordinator_id=coordinator.id,
        location="Ministerio de Relaciones Exteriores, Ciudad de Guatemala",
        online_url="https://meet.example.org/gt", description=DESCRIPTION,
    ), now=now, actor=Actor.cli())
    add_participant(now=now, actor=Actor.cli(), series_id=series.id, organisation_id=org.id)
    invitation = db.session.scalars(select(Invitation).order_by(Invitation.id)).first()
    message = invitation_message(invitation, now=now).message
    body = serialise(message)  # exactly what enqueue stores
    db.session.rollback()
    db.session.execute(delete(OutboxMessage))  # only the benchmark's rows from here on
    db.session.commit()
    return message, body


# --------------------------------------------------------------------------- measurements
def ceiling(port: int, body: str, n: int) -> float:
    data = body.encode("utf-8")
    mid = data.find(b"Message-ID: <") + len(b"Message-ID: <")
    messages = [data[:mid] + f"{i:032x}".encode() + data[mid + 32:] for i in range(n)]
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i, message in enumerate(messages):
            smtp.sendmail(SENDER, [f"contact{i}@cso.example.org"], message)
    return time.perf_counter() - start


class Prebuilt:
    """The composed invitation with only its Message-ID changed, as `enqueue` reads it.

    Composing is not what is measured, and EmailMessage.as_string() costs ~4 ms, so the
    10,000 rows are stored from the serialised bytes of one real invitation."""

    def __init__(self, body: str, message_id: str, subject: str) -> None:
        self.body, self.message_id, self.subject = body, message_id, subject

    def __getitem__(self, name: str) -> str:
        return {"Subject": self.subject, "Message-ID": self.message_id}[name]

    def as_string(self) -> str:
        return self.body


def fill_outbox(app, message, body: str, n: int, now) -> float:  # type: ignore[no-untyped-def]
    """n rows through coordinator.mail.outbox.enqueue, distinct keys and Message-IDs."""
    from coordinator.extensions import db
    from coordinator.mail.compose import message_id
    from coordinator.mail.kinds import MailKind
    from coordinator.mail.outbox import Envelope, Outgoing, enqueue

    template_id = str(message["Message-ID"])
    subject = str(message["Subject"])
    start = time.perf_counter()
    with app.app_context():
        for i in range(n):
            key = f"bench:invite:contact:{i}:seq:0"
            mid = message_id(key)
            prebuilt = Prebuilt(body.replace(template_id, mid, 1), mid, subject)
            envelope = Envelope(key, MailKind.INVITE, f"contact{i}@cso.example.org", "es")
            added = enqueue(db.session, Outgoing(envelope, prebuilt), now)  # type: ignore[arg-type]
            assert added, key
            if i % 1000 == 999:
                db.session.commit()
        db.session.commit()
        db.session.remove()
    return time.perf_counter() - start


class Breakdown:
    """Wall time inside the dispatcher's parts, by wrapping module attributes in this process
    (the project's files are not touched): claim, SMTP send (Flask-Mail's smtplib), marks."""

    PARTS = (("claim", "coordinator.mail.dispatch", "claim"),
             ("smtp send", "coordinator.mail.transport", "SmtpChannel.send"),
             ("mark (Marks.sent: one autocommit UPDATE)", "coordinator.mail.dispatch",
              "Marks.sent"),
             ("open/close connection", "coordinator.mail.dispatch", "open_channel"))

    def __init__(self) -> None:
        self.seconds = {name: 0.0 for name, _, _ in self.PARTS}
        self.calls = {name: 0 for name, _, _ in self.PARTS}
        self._undo: list[tuple[object, str, object]] = []

    def _wrap(self, name: str, fn):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - t
                self.calls[name] += 1
        return timed

    def _wrap_cm(self, name: str, fn):  # type: ignore[no-untyped-def]
        from contextlib import contextmanager

        @contextmanager
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            cm = fn(*args, **kwargs)
            value = cm.__enter__()
            self.seconds[name] += time.perf_counter() - t
            try:
                yield value
            except BaseException as exc:
                if not cm.__exit__(type(exc), exc, exc.__traceback__):
                    raise
            else:
                t = time.perf_counter()
                cm.__exit__(None, None, None)
                self.seconds[name] += time.perf_counter() - t
            self.calls[name] += 1
        return timed

    def __enter__(self) -> Breakdown:
        import importlib

        for name, module_name, attr in self.PARTS:
            owner: object = importlib.import_module(module_name)
            *path, leaf = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, leaf)
            wrapped = (self._wrap_cm(name, original) if leaf == "open_channel"
                       else self._wrap(name, original))
            setattr(owner, leaf, wrapped)
            self._undo.append((owner, leaf, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, leaf, original in reversed(self._undo):
            setattr(owner, leaf, original)
        self._undo.clear()

    def report(self, elapsed: float, sent: int, label: str) -> None:
        accounted = sum(self.seconds.values())
        parts = [(name, secs) for name, secs in self.seconds.items()]
        parts.append(("the rest (loop, encode, result)", elapsed - accounted))
        for name, secs in parts:
            per = secs / sent * 1000 if sent else 0.0
            print(f"[{label}]   {name:34s} {secs:7.2f} s  {100 * secs / elapsed:5.1f} %  "
                  f"{per:6.3f} ms/msg")


def run_dispatcher(app, now, n: int, *, limit: int, max_batches: int,  # type: ignore[no-untyped-def]
                   breakdown: Breakdown | None = None):
    from contextlib import nullcontext

    from sqlalchemy import func, select

    from coordinator.extensions import db
    from coordinator.mail.dispatch import DispatchResult, dispatch
    from coordinator.models import OutboxMessage

    total = DispatchResult()
    calls = 0
    with app.app_context(), (breakdown or nullcontext()):
        start = time.perf_counter()
        while total.sent + total.failed < n:
            result = dispatch(now, limit=limit, max_batches=max_batches)
            calls += 1
            total += result
            if result.sent + result.failed + result.retried == 0:
                break
        elapsed = time.perf_counter() - start
    with app.app_context():
        states = dict(db.session.execute(select(OutboxMessage.state, func.count())
                                         .group_by(OutboxMessage.state)).all())
        db.session.remove()
    return elapsed, total, calls, {str(getattr(k, "value", k)): v for k, v in states.items()}


def reset_outbox(app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from coordinator.extensions import db
    from coordinator.models import OutboxMessage, OutboxState

    with app.app_context():
        db.session.execute(update(OutboxMessage).values(
            state=OutboxState.QUEUED, attempts=0, sent_at=None, claimed_at=None,
            last_error=None))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE outbox")
        db.session.remove()


def profile_dispatcher(app, now, n, *, limit, max_batches) -> None:  # type: ignore[no-untyped-def]
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    elapsed, total, _, _ = run_dispatcher(app, now, n, limit=limit, max_batches=max_batches)
    profiler.disable()
    print(f"\n  profiled run (cProfile overhead included): {total.sent} sent in {elapsed:.2f} s")
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(25)
        text = out.getvalue()
        body = text[text.find("   ncalls"):]
        print(f"\n  -- top 25 by {title} --")
        print("\n".join("  " + line for line in body.rstrip().splitlines()))


def what_if_batched_marks(app, now, every: int):  # type: ignore[no-untyped-def]
    """Simulates the suggested fix (NOT the project's code): the batch is sent as today, but
    the sent rows are marked with one UPDATE ... WHERE id IN (...) per `every` messages (and
    at the end of the batch) instead of one transaction per message. Failure handling is
    left out: this only estimates the throughput the change would give."""
    from sqlalchemy import text, update

    import coordinator.mail.dispatch as d
    from coordinator.extensions import db
    from coordinator.models import OutboxMessage, OutboxState

    def flush(pending: list[int], when) -> None:  # type: ignore[no-untyped-def]
        if not pending:
            return
        session = db.session
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(pending))
                        .values(state=OutboxState.SENT, sent_at=when, last_error=None,
                                attempts=OutboxMessage.attempts + 1)
                        .execution_options(synchronize_session=False))
        session.commit()
        pending.clear()

    def batch(when, limit: int = 200):  # type: ignore[no-untyped-def]
        result = d.DispatchResult()
        rows = d.claim(when, limit)
        if not rows:
            return result
        sender = d.current_app.config["MAIL_DEFAULT_SENDER"]
        pending: list[int] = []
        with d.open_channel() as channel:
            for row_id, recipient, body in rows:
                channel.send(d.Outgoing(recipient, sender, body.encode("utf-8"), str(row_id)))
                pending.append(row_id)
                result.sent += 1
                if len(pending) >= every:
                    flush(pending, when)
        flush(pending, when)
        return result

    original = d.dispatch_batch
    d.dispatch_batch = batch
    try:
        return run_dispatcher(app, now, 10**9, limit=200, max_batches=50)
    finally:
        d.dispatch_batch = original


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def measure_ceiling(server: Server, body: str, n: int, label: str) -> float:
    server.reset()
    seconds = ceiling(server.port, body, n)
    got = server.wait_for(n)
    value = rate(n, seconds)
    print(f"[ceiling {label}] smtplib, one connection: {n} in {seconds:.2f} s = "
          f"{value:,.0f} msg/s (server received {got})")
    return value


def measure_dispatcher(app, server: Server, message, body: str, n: int, label: str,  # type: ignore[no-untyped-def]
                       args) -> float:
    from coordinator.cadence.zones import utc_now

    fill = fill_outbox(app, message, body, n, utc_now())
    print(f"[{label}] enqueued {n} with outbox.enqueue in {fill:.1f} s (not timed)")
    use_smtp(app, server.port)
    server.reset()
    breakdown = Breakdown()
    elapsed, total, calls, states = run_dispatcher(app, utc_now(), n, limit=args.limit,
                                                   max_batches=args.max_batches,
                                                   breakdown=breakdown)
    got = server.wait_for(n)
    value = rate(total.sent, elapsed)
    print(f"[{label}] dispatch(now, limit={args.limit}, max_batches={args.max_batches}): "
          f"{total.sent} sent, {total.retried} retried, {total.failed} failed "
          f"in {elapsed:.2f} s over {calls} call(s) = {value:,.0f} msg/s")
    print(f"[{label}] server received {got} (expected {n}: "
          f"{'OK' if got == n else 'MISMATCH'}); outbox states {states}")
    print(f"[{label}] where the time goes ({elapsed / max(total.sent, 1) * 1000:.2f} ms/msg):")
    breakdown.report(elapsed, total.sent, label)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=200, help="dispatch() batch size")
    parser.add_argument("--max-batches", type=int, default=50)
    parser.add_argument("--profile", action="store_true",
                        help="also profile one PostgreSQL dispatcher run with cProfile")
    parser.add_argument("--what-if", action="store_true",
                        help="also time a simulation of the suggested fix (batched marks)")
    args = parser.parse_args()
    n = args.messages
    logging.basicConfig(level=logging.WARNING)

    instance = tempfile.mkdtemp(prefix="bench_dispatch_")
    os.environ["COORDINATOR_INSTANCE_PATH"] = instance  # keep the repo's instance/ untouched
    pg_name = f"bench_dispatch_{os.getpid()}"
    pg_created = False
    server = Server().start()
    try:
        from coordinator.cadence.zones import utc_now
        from coordinator.extensions import db

        print(f"dispatch benchmark: {n} messages, aiosmtpd in a separate process on "
              f"127.0.0.1:{server.port}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        pg_uri = create_pg_database(pg_name)
        pg_created = True
        pg_app = make_app(pg_uri, instance)
        with pg_app.app_context():
            message, body = build_invitation(utc_now())
        print(f"message: a real invitation composed by coordinator (text + HTML + iMIP "
              f"REQUEST), {len(body.encode('utf-8'))} bytes")
        print("(the ceiling is measured before, between and after the dispatcher runs; each "
              "ratio uses the mean of the two ceilings around it)\n")

        c1 = measure_ceiling(server, body, n, "1")
        pg_rate = measure_dispatcher(pg_app, server, message, body, n, "postgresql", args)
        c2 = measure_ceiling(server, body, n, "2")
        pg_ratio = pg_rate / ((c1 + c2) / 2)
        print(f"[postgresql] ratio to ceiling: {pg_ratio:.2f} (target >= {TARGET_RATIO})\n")

        if args.profile:
            reset_outbox(pg_app)
            server.reset()
            profile_dispatcher(pg_app, utc_now(), n, limit=args.limit,
                               max_batches=args.max_batches)
            server.wait_for(n)
        if args.what_if:
            for every in (1, 50):
                reset_outbox(pg_app)
                server.reset()
                elapsed, total, _, states = what_if_batched_marks(pg_app, utc_now(), every)
                got = server.wait_for(n)
                value = rate(total.sent, elapsed)
                print(f"[what-if, postgresql] marks written every {every} message(s), one "
                      f"UPDATE ... IN (...): {value:,.0f} msg/s = {value / c2:.2f} of "
                      f"ceiling 2 (received {got}, states {states})")
            print()
        with pg_app.app_context():
            db.engine.dispose()

        sqlite_app = make_app(f"sqlite:///{instance}/bench.sqlite", instance)
        sq_rate = measure_dispatcher(sqlite_app, server, message, body, n, "sqlite", args)
        c3 = measure_ceiling(server, body, n, "3")
        sq_ratio = sq_rate / ((c2 + c3) / 2)
        print(f"[sqlite] ratio to ceiling: {sq_ratio:.2f} (target >= {TARGET_RATIO})")
        with sqlite_app.app_context():
            db.engine.dispose()

        print(f"\nsummary (msg/s): ceiling {c1:,.0f} / {c2:,.0f} / {c3:,.0f} | "
              f"postgresql {pg_rate:,.0f} ({pg_ratio:.2f} of ceiling) | "
              f"sqlite {sq_rate:,.0f} ({sq_ratio:.2f} of ceiling) | target >= {TARGET_RATIO}")
    finally:
        server.stop()
        if pg_created:
            drop_pg_database(pg_name)
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
