"""Stage 8, stores: the release put into the SPARQL stores people run (`publish`: probe, replace, read back) and
the local servers (`serve`: a guarded SPARQL endpoint and the site on loopback)."""
