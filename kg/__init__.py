"""pikg: a linked-data knowledge graph of psychosocial mental-health interventions and the evidence about them.

The package follows the pipeline, one folder a stage, each importing only the stages before it:

- `kg.base`: errors, settings and namespaces, RDF terms, XSD lexical forms, safe file writing (`files`);
- `kg.load`: the record format (`schema`), record files (`records`, a folder of them: `corpus`), names to ids
  (`identity`), quotes against the source texts (`quotes`), and the curation tools that write record files
  (`tables`, `scaffold`, `jsonschema`);
- `kg.model`: records become the graph (`build`) and its counts (`stats`);
- `kg.query`: the bundled SPARQL queries (`sparql`, their table: `catalogue`), Oxigraph stores (`store`) and the
  answer cache (`cache`);
- `kg.check`: SHACL compiled to SPARQL on Oxigraph (`engine`, `validate`), the one pass/fail (`verdict`), others'
  RDF read safely (`data`), the incremental check (`recheck`, its saved `state`, what a change can `reach`, the
  violation queries it must `requery`);
- `kg.publish`: serialisations (`export`, `jsonld`), the release folder (`release`), the static site (`site`),
  SPARQL servers (`remote`, `serve`);
- `kg.pipeline`: the main job (build, judge, release); `kg.cli`: the `kg` command, a thin layer over all this.

    from kg.model.build import build
    from kg.query.sparql import run_query, format_result
    kg = build()
    print(format_result(run_query(kg.dataset, "compare-interventions"), "markdown"))

The library raises the typed errors of `kg.base.errors` and never exits the process; the CLI maps them to exit codes.
"""

__version__ = "0.1.0"
