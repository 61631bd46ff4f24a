"""Who kept the cadence (compliance), the dashboard, the weekly digest and the
secretariat's view of the outbox.

The package imports nothing here, so importing one module never loads the others."""
