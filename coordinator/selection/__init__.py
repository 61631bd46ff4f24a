"""Calls for civil-society seats at high-level meetings: applications, review and
selection (issue 17)."""
