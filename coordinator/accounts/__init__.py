"""Accounts of coordinators and the secretariat: log-in, password links, roles and
what each may see (permissions), API tokens.

The package imports nothing here, so importing one module never loads the others."""
