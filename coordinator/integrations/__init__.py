"""Calendars the service watches (external feeds) for clashes.

The package imports nothing here, so importing one module never loads the others."""
