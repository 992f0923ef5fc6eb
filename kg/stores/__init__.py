"""Stage 8, stores: the release put into the SPARQL stores people run (`publish`: probe, replace, read back), and
the local servers: `serve` (Oxigraph's SPARQL server over the release, behind the `guard` that refuses SERVICE and
LOAD) and `serve_site` (the static site on loopback)."""
