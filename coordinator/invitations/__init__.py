"""Who is invited to a meeting, the calendar invitations and their updates, answers
(RSVP) and the deadline jobs that mail reminders.

The package imports nothing here, so importing one module never loads the others."""
