"""Stage 4, check: SHACL compiled to SPARQL on Oxigraph, the one verdict on a graph, others' RDF files read
safely."""
