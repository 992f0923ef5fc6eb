"""Stage 2, model: records become the graph (`build`: N-Triples statements per named graph, with provenance), the
statements a release is made from (`published`), and its counts (`stats`)."""
