"""Pure rules of the meeting cadence: recurrence, holiday shifts, deadlines, compliance.

Nothing here imports Flask or the database, so every rule can be tested and reused
by pages, mails, feeds and jobs alike.
"""

from coordinator.cadence import zones as _zones  # noqa: F401  (prefers the shipped tzdata)
