"""Agendas and what feeds them: suggested topics and their moderation, written
proposals to committees, and their mail.

The package imports nothing here, so importing one module never loads the others."""
