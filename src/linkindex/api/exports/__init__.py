"""The Link Explorer's CSV exports: a whole list streamed to the browser as it is read, each
page billed as its V2 endpoint's call (docs/explorer.md, "CSV exports").
"""

# POST here with the key asks for a ticket; GET of EXPORTS_PATH/<ticket> is the file.
EXPORTS_PATH = "/explorer/exports"
