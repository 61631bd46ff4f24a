"""Personal feed links: asking for one, rotating it, and its mail.

The package imports nothing here, so importing one module never loads the others."""
