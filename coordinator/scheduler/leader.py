"""One scheduler leader among many processes: a PostgreSQL advisory lock, or a file lock.

Every process may run the scheduler; only the one holding the lock runs jobs. The lock
lives as long as its connection (or file handle), so a leader that dies frees it and
another process takes over at its next tick.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x436F6F7264  # "Coord": the same number in every process of this service


class LeaderLock:
    def __init__(self, engine: Engine, instance_path: str) -> None:
        self.engine = engine
        self.connection: Connection | None = None
        self.file_lock: FileLock | None = None
        self.path = Path(instance_path) / "scheduler.lock"
        # The scheduler's threads (default and calendars) share this lock and its one
        # connection, which must not run two statements at once.
        self.guard = threading.Lock()

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        """True while this process is the leader; cheap to call before every job."""
        with self.guard:
            return self._acquire_postgres() if self.postgres else self._acquire_file()

    def _acquire_postgres(self) -> bool:
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT 1"))
                return True
            except SQLAlchemyError:
                log.warning("lost the scheduler lock's connection; trying again")
                self._drop_connection()
        try:
            connection = self.engine.connect()
            held = connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                      {"k": ADVISORY_KEY}).scalar()
            connection.commit()
        except SQLAlchemyError:
            return False
        if held:
            self.connection = connection
            log.info("this process is the scheduler leader")
            return True
        connection.close()
        return False

    def _drop_connection(self) -> None:
        if self.connection is not None:
            try:
                self.connection.invalidate()
                self.connection.close()
            except SQLAlchemyError:
                pass
            self.connection = None

    def _acquire_file(self) -> bool:
        if self.file_lock is not None and self.file_lock.is_locked:
            return True
        # One lock for the whole process, whichever thread runs the job.
        lock = FileLock(str(self.path), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        self.file_lock = lock
        return True

    def release(self) -> None:
        with self.guard:
            self._release()

    def _release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT pg_advisory_unlock(:k)"),
                                        {"k": ADVISORY_KEY})
                self.connection.commit()
            except SQLAlchemyError:
                pass
            self._drop_connection()
        if self.file_lock is not None:
            self.file_lock.release()
            self.file_lock = None
