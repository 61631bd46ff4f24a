"""Series and their meetings: scheduling, previews with clashes, moves and
cancellations, and the read models of series and public meeting pages.

The package imports nothing here, so importing one module never loads the others."""
