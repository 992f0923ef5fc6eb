"""pikg: a linked-data knowledge graph of psychosocial mental-health interventions and the evidence about them.

The package follows the pipeline, one folder a stage, each importing only the stages before it (README's module map):

- `kg.base`: errors, settings, namespaces and the release options, RDF terms, XSD lexical forms, safe file writing;
- `kg.schema`: the model declared once (the record format's sections and fields, the kinds of value, each
  property's label and definition) and what is written from it (ontology properties, shapes, JSON Schema, reference);
- `kg.load`: record files read and checked, names to ids, quotes against the source texts, and the curation tools
  that write record files (`tables`, `scaffold`);
- `kg.model`: records become the graph (`build`), the statements a release is made from (`published`), counts;
- `kg.query`: the bundled SPARQL queries, Oxigraph stores, the answer cache and SPARQL endpoints;
- `kg.check`: SHACL compiled to SPARQL on Oxigraph, the one pass/fail (`verdict`), others' RDF read safely;
- `kg.incremental`: `kg check` after an edit, checking again only what changed;
- `kg.release`: the release folder and everything in it; `kg.site`: the static site; `kg.stores`: `kg publish`
  and `kg serve`;
- `kg.pipeline`: the main job (load → model → check → release, once each); `kg.cli`: the `kg` command over it.

    from kg.model.build import build
    from kg.query.sparql import run_query, format_result
    kg = build()
    print(format_result(run_query(kg.dataset, "compare-interventions"), "markdown"))

The library raises the typed errors of `kg.base.errors` and never exits the process; the CLI maps them to exit codes.
"""

__version__ = "0.1.0"
