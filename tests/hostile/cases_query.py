"""Hostile query names and parameters: a name is never a path, parameters are values (issue 11, items 6 and 16)."""

from __future__ import annotations

from pathlib import Path

from case import Case

NOT_A_NAME = ("is not a query name", "kg query --list")


def _planted(ws: Path) -> None:
    (ws / "keep" / "service.rq").write_text("#+ title: x\n#+ question: x\nSELECT * WHERE { SERVICE <http://127.0.0.1:9/> "
                                            "{ ?s ?p ?o } }\n")


CASES = [
    Case("query-path-traversal", ("query", "../../keep/service"), 2, NOT_A_NAME, _planted),
    Case("query-absolute-path", ("query", "{ws}/keep/service"), 2, NOT_A_NAME, _planted),
    Case("query-with-suffix", ("query", "compare-interventions.rq"), 2, NOT_A_NAME),
    Case("query-unknown-name", ("query", "compare-intervention"), 2,
         ("unknown query 'compare-intervention'", "did you mean 'compare-interventions'")),
    Case("query-name-upper-case", ("query", "COMPARE-INTERVENTIONS"), 2, NOT_A_NAME),
    Case("query-param-not-utf8", ("query", "provenance", "-p", "resource=\udcff"), 2, ("is not UTF-8 text",)),
    Case("query-param-name-not-utf8", ("query", "provenance", "-p", "\udcff=x"), 2, ("is not UTF-8 text",)),
    Case("query-param-unknown", ("query", "provenance", "-p", "graph=x"), 2,
         ("query provenance has no parameter 'graph'", "its parameters: resource")),
    Case("query-param-missing", ("query", "provenance"), 2, ("query provenance needs --param resource=VALUE",)),
    Case("query-param-no-equals", ("query", "provenance", "-p", "resource"), 2, ("--param expects NAME=VALUE",)),
    Case("query-param-injection", ("query", "provenance", "-p", 'resource=x" }} }} SELECT * {{ ?s ?p ?o }} #'), 2,
         ("no resource is named",)),
    Case("query-param-iri-injection", ("query", "provenance", "-p", "resource=<http://x> . ?s ?p ?o"), 2,
         ("no resource is named",)),
    Case("query-duration-not-ascii", ("query", "interventions-by-duration", "-p", "max=P\u0669M"), 2,
         ("expected an xsd:duration",)),
    Case("query-bad-format", ("query", "compare-interventions", "--format", "xlsx"), 2, ("Invalid value for '--format'",)),
    Case("query-duration-5000-digits", ("query", "interventions-by-duration", "-p", "max=P" + "9" * 5000 + "D"), 2,
         ("expected an xsd:duration", "each number of at most 6 digits")),
    Case("query-duration-overflows-days", ("query", "interventions-by-duration", "-p", "max=P26000000000000000Y"), 2,
         ("expected an xsd:duration",)),
    Case("query-duration-in-hours", ("query", "interventions-by-duration", "-p", "max=PT2000H", "--format", "csv"), 0,
         ("Learn how to tackle anxiety and depression,7 weeks,P49D,49,exact",)),
]
