"""Stage 3, query: the bundled SPARQL queries run with bound parameters on rdflib, Oxigraph or an endpoint,
and the answer cache."""
