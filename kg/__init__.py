"""pikg: a linked-data knowledge graph of psychosocial mental-health interventions and the evidence about them.

The pipeline, one module per stage: records (load) → build (graph) → validate (SHACL) → query (SPARQL) →
export (files). Import what you need:

    from kg.model.build import build
    from kg.query.sparql import run_query, format_result
    kg = build()
    print(format_result(run_query(kg.dataset, "compare-interventions"), "markdown"))
"""

__version__ = "0.1.0"
