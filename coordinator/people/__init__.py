"""Organisations and their contacts: public registration, review, committees and
their civil-society representatives.

The package imports nothing here, so importing one module never loads the others."""
