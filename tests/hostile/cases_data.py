"""Hostile files for `kg validate --data`: entity and DOCTYPE tricks, remote contexts, ill-typed literals
(impossible dates, non-ASCII digits: violations of the shapes, not input errors), control characters, bad encodings, huge literals, deep nesting, files that
are not files, and a bad size-limit setting. Big inputs are generated into the workspace by `setup`; small ones
are in inputs/data/."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from case import Case

DATA = "{inputs}/data/"


def _data(id: str, name: str, exit: int, words: tuple[str, ...], **kw: Any) -> Case:
    return Case(f"data-{id}", ("validate", "--data", DATA + name), exit, words, **kw)


def _nested_json_ld(ws: Path) -> None:
    depth = 100_000
    (ws / "deep.jsonld").write_text('{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * depth + "1"
                                    + "]" * depth + "}\n", encoding="utf-8")


def _nested_blank_nodes(ws: Path) -> None:
    depth = 100_000
    (ws / "nested.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:p " + "[ ex:p " * depth + "ex:z"
                                   + " ]" * depth + " .\n", encoding="utf-8")


def _huge_literal(size: int) -> Callable[[Path], None]:
    def setup(ws: Path) -> None:
        (ws / "huge.nt").write_text('<http://example.org/a> <http://example.org/b> "ok" .\n'
                                    '<http://example.org/a> <http://example.org/b> "' + "x" * size + '" .\n',
                                    encoding="utf-8")
    return setup


def _fifo(ws: Path) -> None:
    os.mkfifo(ws / "x.ttl")  # opened for reading, it would wait for a writer forever


def _folder(ws: Path) -> None:
    (ws / "folder.ttl").mkdir()


def _device(ws: Path) -> None:
    (ws / "zeros.nt").symlink_to("/dev/zero")  # endless: read to its end, it would fill the memory


CASES = [
    _data("xxe-doctype", "xxe.rdf", 2, ("DOCTYPE", "refused"), absent=("root:x:0",)),
    _data("billion-laughs", "billion-laughs.rdf", 2, ("DOCTYPE or entity declarations is refused",), seconds=10),
    _data("xml-control-character-reference", "char-reference.rdf", 2,
          ("char-reference.rdf:3", "control character U+0007")),
    _data("remote-context", "remote-context.jsonld", 2, ("remote-context.jsonld:2", "remote JSON-LD context",
                                                         "https://schema.org/", "not fetched")),
    _data("import", "import.jsonld", 2, ("@import", "http://example.org/context.jsonld", "not fetched")),
    _data("scoped-remote-context", "scoped-context.jsonld", 2, ("scoped-context.jsonld:2", "not fetched")),
    Case("data-json-ld-nested-100k", ("validate", "--data", "deep.jsonld"), 2,
         ("deep.jsonld:1", "nested more than 512 levels"), setup=_nested_json_ld, seconds=10),
    Case("data-blank-nodes-nested-100k", ("validate", "--data", "nested.ttl"), 0,
         ("nested.ttl: 100001 triples", "conforms"), setup=_nested_blank_nodes, seconds=15),
    # an ill-typed literal is data (well-formed RDF) that its shape's sh:datatype reports: a violation, exit 1
    _data("february-30", "feb30.ttl", 1, ("does not conform to the shapes: 1 violation(s)",
                                          '(value: "2017-02-30"^^<http://www.w3.org/2001/XMLSchema#date>)',
                                          "[pikgsh:Event-start Datatype; focus <http://example.org/event>]")),
    _data("month-13", "month13.ttl", 1, ("does not conform to the shapes: 1 violation(s)",
                                         '(value: "2017-13-01"^^<http://www.w3.org/2001/XMLSchema#date>)',
                                         "[pikgsh:Event-start Datatype; focus <http://example.org/event>]")),
    _data("arabic-indic-year", "arabic-gyear.ttl", 1, ("does not conform to the shapes: 1 violation(s)",
                                                       '(value: "٢٠١٧"^^<http://www.w3.org/2001/XMLSchema#gYear>)',
                                                       "[pikgsh:Publication-issued Or; focus <http://example.org/article>]")),
    _data("control-character-escaped", "control-escaped.nt", 2, ("control-escaped.nt:1", "control character U+0007")),
    _data("control-character-raw", "control-raw.ttl", 2, ("control-raw.ttl:2", "control character U+001B"),
          absent=("\x1b",)),
    _data("not-utf8", "latin1.ttl", 2, ("latin1.ttl:1", "not UTF-8")),
    Case("data-literal-30-mb", ("validate", "--data", "huge.nt"), 2, ("huge.nt:2", "more than 16 MiB"),
         setup=_huge_literal(30 * 1024 * 1024), seconds=10, absent=("x" * 1000,)),
    Case("data-literal-5-mb", ("validate", "--data", "huge.nt"), 2,
         ("huge.nt:2", "5,242,880 characters", "over the limit of 1,048,576"),
         setup=_huge_literal(5 * 1024 * 1024), seconds=10, absent=("x" * 1000,)),
    _data("max-bytes-not-a-number", "empty.ttl", 2, ("KG_MAX_INPUT_BYTES", "positive whole number", "'abc'"),
          env={"KG_MAX_INPUT_BYTES": "abc"}),
    _data("max-bytes-zero", "empty.ttl", 2, ("KG_MAX_INPUT_BYTES", "positive whole number"),
          env={"KG_MAX_INPUT_BYTES": "0"}),
    _data("max-bytes-negative", "empty.ttl", 2, ("KG_MAX_INPUT_BYTES", "'-1'"), env={"KG_MAX_INPUT_BYTES": "-1"}),
    Case("data-over-max-bytes", ("validate", "--data", DATA + "feb30.ttl", "--max-bytes", "10"), 2,
         ("over the input limit of 10 bytes",)),
    _data("unknown-suffix", "data.csv", 2, ("cannot tell the RDF format", "--format")),
    Case("data-directory", ("validate", "--data", "folder.ttl"), 2, ("folder.ttl", "directory"), setup=_folder),
    Case("data-fifo", ("validate", "--data", "x.ttl"), 2, ("x.ttl", "not a regular file"), setup=_fifo, seconds=10),
    Case("data-dev-zero", ("validate", "--data", "zeros.nt"), 2, ("zeros.nt", "not a regular file"), setup=_device,
         seconds=10),
    Case("data-url", ("validate", "--data", "http://example.org/graph.ttl"), 2, ("not a local file", "never URLs")),
    _data("empty-file", "empty.ttl", 0, ("0 triples", "conforms")),
    _data("rdf-star", "rdf-star.ttl", 2, ("rdf-star.ttl:2", "RDF-star")),
    _data("truncated-nquads", "truncated.nq", 2, ("truncated.nq:2", "not valid nquads", "Unexpected end of file")),
    _data("json-in-turtle", "json-in.ttl", 2, ("json-in.ttl:1", "not valid turtle")),
    _data("violating-graph", "violating.ttl", 1, ("does not conform", "Intervention-peerSupport Datatype",
                                                  "Intervention-name MinCount")),
]
