"""The commitments tracker with 500 commitments and 10,000 measurements.

    .venv/bin/python bench/tracker.py [--runs 50] [--postgres]

Builds a fresh database by the migrations (SQLite in a temporary folder, or with
--postgres a fresh PostgreSQL database), fills it with 500 commitments of one country,
each with a quantitative indicator of 20 measurements (10,000 in all), a qualitative one
with a rating, and two timeline entries, and a Kreyòl translation of every commitment.

Then, in the app's own process (the Flask test client, no network):
  - cold: the country page in Kreyòl rendered after a change (a new measurement), i.e.
    the first visitor after every change pays this;
  - warm: the same page again (the cached answer, what every other visitor gets);
  - 304: a revalidation with the page's ETag;
  - a commitment's own page with its line chart, cold.
Prints median and p95 in ms beside the 100 ms ceiling of issue 16. No timing is asserted;
the script exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CEILING_MS = 100.0
COMMITMENTS, MEASUREMENTS_EACH = 500, 20
ADMIN_URL = os.environ.get("COORDINATOR_BENCH_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def make_app(uri: str, instance: str):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from coordinator import create_app

    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench-secret", "SQLALCHEMY_DATABASE_URI": uri,
        "BASE_URL": "https://coordinator.example.org", "MAIL_FOLDER": instance + "/mail",
        "MAIL_DEFAULT_SENDER": "coordinator@coordinator.example.org",
        "SCHEDULER_ENABLED": False, "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        upgrade()
    return app


def fill(app) -> int:  # type: ignore[no-untyped-def]
    """Bulk rows (Core inserts): this measures reading, not the services' checks."""
    import sqlalchemy as sa

    from coordinator.content.models import ContentTranslation
    from coordinator.content.services import digest
    from coordinator.extensions import db
    from coordinator.models import Country
    from coordinator.outcomes.models import (
        Assessment,
        Commitment,
        CommitmentUpdate,
        Indicator,
        Measurement,
    )
    from coordinator.reference.services import seed_reference

    with app.app_context():
        seed_reference(now=NOW)
        country = db.session.scalar(sa.select(Country.id).where(Country.iso == "GT"))
        start = date(2024, 1, 1)
        texts = [f"Compromiso {n}: abrir albergues y centros de atención en la frontera"
                 for n in range(COMMITMENTS)]
        db.session.execute(sa.insert(Commitment), [{
            "id": n + 1, "text": texts[n], "written_in": "es", "country_id": country,
            "pillar": "I", "start_on": start, "target_on": date(2028, 12, 31),
            "status": "in-progress", "created_at": NOW, "updated_at": NOW}
            for n in range(COMMITMENTS)])
        db.session.execute(sa.insert(ContentTranslation), [{
            "subject": "commitment", "subject_id": n + 1, "field": "text", "language": "ht",
            "text": f"Angajman {n}: louvri abri", "original_digest": digest(texts[n]),
            "created_at": NOW, "updated_at": NOW} for n in range(COMMITMENTS)])
        db.session.execute(sa.insert(Indicator), [row for n in range(COMMITMENTS) for row in (
            {"id": 2 * n + 1, "commitment_id": n + 1, "kind": "quantitative",
             "name": f"Personas atendidas {n}", "written_in": "es", "unit": "people",
             "baseline": 100.0, "baseline_on": start, "target": 2100.0,
             "direction": "increase", "created_at": NOW, "updated_at": NOW},
            {"id": 2 * n + 2, "commitment_id": n + 1, "kind": "qualitative",
             "name": f"Calidad {n}", "written_in": "es", "created_at": NOW,
             "updated_at": NOW})])
        db.session.execute(sa.insert(Measurement), [{
            "indicator_id": 2 * n + 1, "dated": start + timedelta(days=30 * (m + 1)),
            "value": 100.0 + 50 * m, "source": "Ministerio", "created_at": NOW}
            for n in range(COMMITMENTS) for m in range(MEASUREMENTS_EACH)])
        db.session.execute(sa.insert(Assessment), [{
            "indicator_id": 2 * n + 2, "dated": date(2026, 6, 1), "rating": "on-track",
            "narrative": "Visitas de monitoreo", "written_in": "es", "created_at": NOW}
            for n in range(COMMITMENTS)])
        db.session.execute(sa.insert(CommitmentUpdate), [{
            "commitment_id": n + 1, "dated": date(2025, 3 + k, 1), "text": f"Avance {k}",
            "written_in": "es", "created_at": NOW}
            for n in range(COMMITMENTS) for k in range(2)])
        if db.engine.dialect.name == "postgresql":
            for table in ("commitments", "indicators"):
                db.session.execute(sa.text(
                    f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        db.session.commit()
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)))


def timed(call, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * .95))]


def measure(app, runs: int) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    from coordinator.outcomes.indicators import add_measurement
    from coordinator.unit import Actor

    client = app.test_client()
    path = "/commitments/countries/GT?lang=ht"
    with time_machine.travel(NOW, tick=False):
        first = client.get(path)
        assert first.status_code == 200, first.status_code
        size = len(first.get_data())
        tag = first.headers["ETag"]
        counter = iter(range(10 ** 6))

        def change() -> None:
            with app.app_context():
                add_measurement(1, dated=date(2026, 1, 1) + timedelta(days=next(counter) % 300),
                                value=1500, source="bench", now=NOW, actor=Actor.cli())

        def cold() -> None:
            change()  # not the page's cost, but small next to it; measured apart below
            assert client.get(path).status_code == 200

        change_ms = timed(change, max(5, runs // 5))
        cold_ms = timed(cold, max(5, runs // 5))
        warm_ms = timed(lambda: client.get(path), runs)
        tag = client.get(path).headers["ETag"]
        not_modified = timed(lambda: client.get(path, headers={"If-None-Match": tag}), runs)

        def one_cold() -> None:
            change()
            assert client.get("/commitments/1?lang=ht").status_code == 200
        one_ms = timed(one_cold, max(5, runs // 5))
    print(f"  page size: {size / 1024:.0f} KiB for {COMMITMENTS} commitments")
    print(f"  country page, cached (warm):   median {warm_ms[0]:7.2f} ms  p95 {warm_ms[1]:7.2f}"
          f"  ceiling {CEILING_MS:.0f} ms")
    print(f"  country page, 304:             median {not_modified[0]:7.2f} ms  "
          f"p95 {not_modified[1]:7.2f}  ceiling {CEILING_MS:.0f} ms")
    cold_page = (cold_ms[0] - change_ms[0], cold_ms[1] - change_ms[0])
    print(f"  country page, first render:    median {cold_page[0]:7.2f} ms  "
          f"p95 {cold_page[1]:7.2f}  (once per change; the change itself "
          f"{change_ms[0]:.1f} ms, not counted)")
    print(f"  one commitment, first render:  median {one_ms[0] - change_ms[0]:7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-tracker-")
    try:
        if args.postgres:
            import sqlalchemy as sa
            name = f"bench_tracker_{os.getpid()}"
            engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))
            uri = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        else:
            uri = f"sqlite:///{folder}/bench.db"
        app = make_app(uri, folder)
        count = fill(app)
        print(f"tracker: {COMMITMENTS} commitments, {count} measurements, "
              f"{'PostgreSQL' if args.postgres else 'SQLite'}")
        measure(app, args.runs)
        if args.postgres:
            from coordinator.extensions import db
            with app.app_context():
                db.engine.dispose()
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE {name}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
