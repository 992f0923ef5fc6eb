"""Stage 5, publish: serialisations, the release folder, the static site, and SPARQL servers (upload, serve)."""
