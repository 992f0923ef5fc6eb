"""Stage 2, build: records become the graph (N-Triples statements per named graph, with provenance), and its counts."""
