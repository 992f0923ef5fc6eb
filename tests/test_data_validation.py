"""`kg validate --data` and kg.lexical: XSD lexical forms judged exactly (ASCII digits, real dates), control
characters, bounded JSON-LD nesting and literal sizes, the size limit's setting, what is never read or fetched,
the violation queries that judge any graph, and the Oxigraph engine reporting what the pyshacl oracle reports."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph

from conftest import BUNDLED
from kg.base.config import PREFIXES
from kg.base.errors import InputError
from kg.base.lexical import CHECKED, XSD, character_name, check_lexical, control_character, days_in_month
from kg.check.data import MAX_JSON_DEPTH, MAX_LITERAL_CHARS, DataGraph, max_input_bytes
from kg.check.validate import validate_file
from kg.check.verdict import judge_file, per_source, violation_queries
from kg.model.stats import class_counts, compute_stats, store_class_counts

# ------------------------------------------------------------------------------------------ kg.lexical

VALID = [
    ("integer", "12"), ("integer", "-0"), ("integer", "+007"), ("integer", "9" * 6000),
    ("nonNegativeInteger", "0"), ("nonNegativeInteger", "-0"), ("nonNegativeInteger", "+12"),
    ("positiveInteger", "1"), ("positiveInteger", "+01"), ("nonPositiveInteger", "-5"), ("nonPositiveInteger", "0"),
    ("negativeInteger", "-1"), ("long", "9223372036854775807"), ("long", "-9223372036854775808"),
    ("int", "2147483647"), ("short", "-32768"), ("byte", "127"), ("byte", "-128"), ("unsignedByte", "255"),
    ("unsignedLong", "18446744073709551615"),
    ("decimal", "1.5"), ("decimal", "-.5"), ("decimal", "1."), ("decimal", "+10"),
    ("double", "1e5"), ("double", "-1.5E-3"), ("double", "INF"), ("double", "-INF"), ("double", "NaN"),
    ("float", ".5e1"),
    ("boolean", "true"), ("boolean", "false"), ("boolean", "1"), ("boolean", "0"),
    ("date", "2016-02-29"), ("date", "2000-02-29"), ("date", "2017-09-22"), ("date", "2017-09-22Z"),
    ("date", "2017-09-22+14:00"), ("date", "-0044-03-15"), ("date", "0000-02-29"), ("date", "10000-01-01"),
    ("dateTime", "2017-09-22T10:30:00"), ("dateTime", "2017-09-22T10:30:00.123Z"),
    ("dateTime", "2017-09-22T24:00:00"), ("dateTime", "2016-02-29T00:00:00-05:00"),
    ("time", "23:59:59"), ("gYear", "2017"), ("gYear", "-0001"), ("gYear", "0000"), ("gYear", "12017"),
    ("gYear", "2017Z"), ("gYearMonth", "2017-12"), ("gYearMonth", "2017-01+01:00"),
    ("gMonth", "--12"), ("gDay", "---31"), ("gMonthDay", "--02-29"),
    ("duration", "P49D"), ("duration", "P9M"), ("duration", "P1Y2M3DT4H5M6.5S"), ("duration", "PT1H"),
    ("duration", "-P1D"), ("yearMonthDuration", "P1Y2M"), ("dayTimeDuration", "P1DT2H"),
    ("language", "en"), ("language", "en-GB"), ("language", "da-DK-x-abc"),
    ("hexBinary", ""), ("hexBinary", "0FAb"), ("base64Binary", "QUJD"), ("base64Binary", "QUI="),
    ("base64Binary", "QQ=="), ("anyURI", "https://w3id.org/pikg/"), ("anyURI", "relative/path#x"),
    ("string", "tab\tline\nreturn\r ok"), ("normalizedString", "a  b"), ("token", "a b"),
]

INVALID = [
    ("integer", "twelve", "not a valid xsd:integer"),
    ("integer", "12\n", "not a valid xsd:integer"),  # `$` would have matched before the line feed
    ("integer", " 12", "not a valid xsd:integer"),
    ("integer", "١٢", "not a valid xsd:integer (digits must be ASCII 0-9)"),
    ("integer", "1.0", "not a valid xsd:integer"),
    ("positiveInteger", "0", "not a valid xsd:positiveInteger (less than 1)"),
    ("positiveInteger", "-3", "not a valid xsd:positiveInteger (less than 1)"),
    ("nonNegativeInteger", "-1", "not a valid xsd:nonNegativeInteger (less than 0)"),
    ("negativeInteger", "0", "not a valid xsd:negativeInteger (more than -1)"),
    ("nonPositiveInteger", "1", "not a valid xsd:nonPositiveInteger (more than 0)"),
    ("byte", "128", "not a valid xsd:byte (more than 127)"),
    ("unsignedInt", "-1", "not a valid xsd:unsignedInt (less than 0)"),
    ("long", "9" * 40, f"not a valid xsd:long (more than {2**63 - 1})"),
    ("long", "-" + "9" * 40, f"not a valid xsd:long (less than {-2**63})"),
    ("decimal", "1e5", "not a valid xsd:decimal"),
    ("decimal", ".", "not a valid xsd:decimal"),
    ("double", "inf", "not a valid xsd:double"),
    ("boolean", "True", "not a valid xsd:boolean"),
    ("boolean", "yes", "not a valid xsd:boolean"),
    ("date", "2017-02-30", "not a valid xsd:date (2017-02 has 28 days)"),
    ("date", "1900-02-29", "not a valid xsd:date (1900-02 has 28 days)"),
    ("date", "2017-04-31", "not a valid xsd:date (2017-04 has 30 days)"),
    ("date", "2017-13-01", "not a valid xsd:date (no month 13)"),
    ("date", "2017-00-10", "not a valid xsd:date (no month 00)"),
    ("date", "2017-9-22", "not a valid xsd:date"),
    ("date", "02017-09-22", "not a valid xsd:date"),
    ("date", "2017-09-22+15:00", "not a valid xsd:date"),
    ("date", "٢٠١٧-٠٩-٢٢", "not a valid xsd:date (digits must be ASCII 0-9)"),
    ("dateTime", "2017-09-22", "not a valid xsd:dateTime"),
    ("dateTime", "2017-09-22T24:00:01", "not a valid xsd:dateTime"),
    ("dateTime", "2017-02-29T10:00:00", "not a valid xsd:dateTime (2017-02 has 28 days)"),
    ("dateTime", "2017-09-22T10:60:00", "not a valid xsd:dateTime"),
    ("gYear", "٢٠١٧", "not a valid xsd:gYear (digits must be ASCII 0-9)"),
    ("gYear", "17", "not a valid xsd:gYear"),
    ("gYear", "2017-01", "not a valid xsd:gYear"),
    ("gYearMonth", "2017-13", "not a valid xsd:gYearMonth (no month 13)"),
    ("gYearMonth", "2017", "not a valid xsd:gYearMonth"),
    ("gMonthDay", "--02-30", "not a valid xsd:gMonthDay (month 02 has 29 days)"),
    ("duration", "P7W", "not a valid xsd:duration (write weeks as days: P49D)"),
    ("duration", "P2W", "not a valid xsd:duration (write weeks as days: P14D)"),
    ("duration", "P", "not a valid xsd:duration"),
    ("duration", "PT", "not a valid xsd:duration"),
    ("duration", "P1YT", "not a valid xsd:duration"),
    ("duration", "P1.5Y", "not a valid xsd:duration"),
    ("duration", "P٣M", "not a valid xsd:duration (digits must be ASCII 0-9)"),
    ("yearMonthDuration", "P1D", "not a valid xsd:yearMonthDuration"),
    ("dayTimeDuration", "P1Y", "not a valid xsd:dayTimeDuration"),
    ("language", "englishlanguage", "not a valid xsd:language"),
    ("language", "en_GB", "not a valid xsd:language"),
    ("language", "", "not a valid xsd:language"),
    ("hexBinary", "0FA", "not a valid xsd:hexBinary"),
    ("hexBinary", "GG", "not a valid xsd:hexBinary"),
    ("base64Binary", "QR==", "not a valid xsd:base64Binary"),
    ("anyURI", "http://a b", "not a valid xsd:anyURI (a space at character 9)"),
    ("anyURI", "http://a\x7fb", "not a valid xsd:anyURI (the control character U+007F at character 9)"),
    ("string", "bad\x01", "not a valid xsd:string (control character U+0001 at character 4)"),
    ("normalizedString", "a\tb", "not a valid xsd:normalizedString (tab or line break)"),
    ("token", " a", "not a valid xsd:token (leading, trailing or double spaces)"),
]


@pytest.mark.parametrize(("local", "text"), VALID)
def test_valid_lexical_forms(local: str, text: str) -> None:
    assert XSD + local in CHECKED
    assert check_lexical(XSD + local, text) is None


@pytest.mark.parametrize(("local", "text", "reason"), INVALID)
def test_invalid_lexical_forms_say_why(local: str, text: str, reason: str) -> None:
    assert check_lexical(XSD + local, text) == reason


def test_other_datatypes_are_not_judged() -> None:
    assert check_lexical("http://example.org/myType", "anything") is None
    assert check_lexical(XSD + "NOTATION", "anything") is None
    assert check_lexical("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "x") is None


def test_days_in_month() -> None:
    assert [days_in_month("2017", m) for m in range(1, 13)] == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert days_in_month("2016", 2) == days_in_month("2000", 2) == days_in_month("0000", 2) == 29
    assert days_in_month("1900", 2) == days_in_month("-0100", 2) == 28
    assert days_in_month("9" * 5000 + "2000", 2) == 29  # no int() of the whole year


@pytest.mark.parametrize(("text", "index"), [
    ("plain text, tab\t, line\n, return\r", None), ("", None), ("é ü ٢ 漢字 🙂", None),
    ("\x00", 0), ("ab\x08", 2), ("a\x0bb", 1), ("a\x0cb", 1), ("x\x0e", 1), ("x\x1f", 1), ("DEL\x7f", 3),
    ("C1\x85", 2), ("C1\x9f", 2), ("\ufffe", 0), ("x\uffff", 1), ("lone \ud800", 5), ("lone \udfff", 5),
    ("\xa0 no-break space is fine", None),
])
def test_control_character(text: str, index: int | None) -> None:
    assert control_character(text) == index


def test_character_name() -> None:
    assert character_name("\x01") == "U+0001"
    assert character_name("\ufffe") == "U+FFFE"


# ------------------------------------------------------------------------------------------ kg validate --data

XSD_PREFIX = f"@prefix xsd: <{XSD}> .\n"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _classes(data: DataGraph) -> dict[str, int]:
    """Instances per class of the data read (the default graph; our ontology is in named graphs beside it)."""
    return store_class_counts(data.store, ox.DefaultGraph())


@pytest.mark.parametrize(("name", "content", "message"), [
    ("control.nt", '<http://example.org/a> <http://example.org/b> "bad \\u0001 value" .\n',
     "control.nt:1: control character U+0001 at character 5 of the literal 'bad \\x01 value'; only tab, line feed "
     "and carriage return are allowed"),
    ("control-raw.ttl", '\n<http://example.org/a> <http://example.org/b> "raw \x1b escape" .\n',
     "control-raw.ttl:2: control character U+001B at character 5 of the literal 'raw \\x1b escape'; only tab, "
     "line feed and carriage return are allowed"),
    ("control-lang.ttl", '<http://example.org/a> <http://example.org/b> "text \\u007F here"@en .\n',
     "control-lang.ttl:1: control character U+007F at character 6 of the literal 'text \\x7f here'; only tab, "
     "line feed and carriage return are allowed"),
    ("star.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b << ex:c ex:d ex:e >> .\n",
     "star.ttl:2: RDF-star triple terms are not supported"),
    ("truncated.nq", "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g> .\n"
     '<http://example.org/a> <http://example.org/b> "trunc',
     "truncated.nq:2: not valid nquads: Parser error at line 2 between columns 47 and 53: Unexpected end of file"),
    ("remote-in-array.jsonld", '{\n "@context": [\n  {"ex": "http://example.org/"},\n  "https://schema.org/"\n ],\n'
     ' "@id": "ex:a"\n}\n',
     "remote-in-array.jsonld:4: the remote JSON-LD context 'https://schema.org/' is not fetched; put the context "
     "inline (the release's context.jsonld holds ours)"),
    ("scoped.jsonld", '{"@context": {"p": {"@id": "http://example.org/p", "@context": "http://example.org/c"}},\n'
     ' "@id": "http://example.org/a", "p": {"@id": "http://example.org/b"}}\n',
     "scoped.jsonld:1: the remote JSON-LD context 'http://example.org/c' is not fetched; put the context inline "
     "(the release's context.jsonld holds ours)"),
    ("escaped.jsonld", '{"\\u0040context": "http://example.org/c", "@id": "http://example.org/a"}\n',
     "escaped.jsonld:1: the remote JSON-LD context 'http://example.org/c' is not fetched; put the context inline "
     "(the release's context.jsonld holds ours)"),
    ("doctype.rdf", '<?xml version="1.0"?>\n<!doctype rdf:RDF>\n'
     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
     "doctype.rdf:2: RDF/XML with a DOCTYPE or entity declarations is refused (entities can read files or "
     "expand without bound)"),
    ("truncated.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n",
     "truncated.ttl:3: not valid turtle: Parser error at line 3 column 1: Unexpected end"),
    ("wrong-format.ttl", '{"@id": "http://example.org/a"}\n',
     "wrong-format.ttl:1: not valid turtle: Parser error at line 1 column 1: { is not a valid subject or graph "
     "name"),
    ("bad-iri.nt", "<http://example.org/a b> <http://example.org/p> <http://example.org/c> .\n",
     "bad-iri.nt:1: not valid nt: Parser error at line 1 between columns 1 and 25: Invalid IRI code point ' '"),
    ("remote-context.jsonld", '{\n  "@context": "https://schema.org/",\n  "name": "x"\n}\n',
     "remote-context.jsonld:2: the remote JSON-LD context 'https://schema.org/' is not fetched; put the context "
     "inline (the release's context.jsonld holds ours)"),
    ("import.jsonld", '{"@context": {"@import": "http://example.org/ctx"}, "@id": "http://example.org/a"}',
     "import.jsonld: JSON-LD @import 'http://example.org/ctx' is not fetched; put the context inline"),
    ("broken.jsonld", '{"@id": "http://example.org/a",\n "x": }',
     "broken.jsonld:2:7: not valid JSON: Expecting value"),
    ("entities.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
     "entities.rdf:2: RDF/XML with a DOCTYPE or entity declarations is refused (entities can read files or "
     "expand without bound)"),
    ("latin1.ttl", b'<http://example.org/a> <http://example.org/b> "caf\xe9" .\n',
     "latin1.ttl:1: not UTF-8 text (invalid continuation byte)"),
    ("data.csv", "a,b\n", "data.csv: cannot tell the RDF format from the name; use a suffix (.ttl, .nt, .nq, .trig, "
     ".jsonld, .json, .rdf, .xml, .owl) or --format"),
])
def test_bad_data_is_one_message_with_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                                     content: str | bytes, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, name, content)
    with pytest.raises(InputError) as info:
        validate_file(Path(name))
    assert str(info.value) == message


ILL_TYPED = XSD_PREFIX + """@prefix pikg: <https://w3id.org/pikg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://example.org/i> a pikg:Intervention ; skos:prefLabel "I"@en ; pikg:peerSupport "yes"^^xsd:boolean .
<http://example.org/d> a pikg:DurationSpecification ;
  pikg:durationQualifier <https://w3id.org/pikg/vocab/duration-qualifier/exact> ; pikg:durationText "x"@en ;
  pikg:durationValue "P7W"^^xsd:duration ; pikg:durationInDays "abc"^^xsd:integer .
<http://example.org/e> a schema:Event ; schema:name "E"@en ; schema:startDate "2017-02-30"^^xsd:date .
<http://example.org/p> a schema:ScholarlyArticle ; dcterms:title "T"@en ; dcterms:issued "٢٠١٧"^^xsd:gYear ;
  dcterms:type <https://w3id.org/pikg/vocab/publication-type/journal-article> .
<http://example.org/x> <http://example.org/unconstrained> "twelve"^^xsd:integer .
"""


def test_ill_typed_literals_are_violations_of_their_datatype(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ill-typed literal is well-formed RDF: it is read, and the shape's sh:datatype (or sh:or of datatypes)
    reports it, as SHACL says and other engines do, with kg.base.lexical's judgement (P7W, Arabic-Indic digits)
    where rdflib's is laxer; on a property no shape constrains it is a violation of its own (issue 25). Each
    names the file and line that write it, in the file's order."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "ill.ttl", ILL_TYPED)
    report, data = validate_file(Path("ill.ttl"))
    assert len(data) == 16 and not report.conforms
    assert [f"{v.origin} {v.constraint_id} {v.focus} {v.value.n3()}" for v in report.violations] == [
        f'ill.ttl:6: pikg:peerSupport Intervention-peerSupport--Datatype http://example.org/i "yes"^^<{XSD}boolean>',
        f'ill.ttl:9: pikg:durationInDays Duration-days--Datatype http://example.org/d "abc"^^<{XSD}integer>',
        f'ill.ttl:9: pikg:durationInDays Duration-days--MinInclusive http://example.org/d "abc"^^<{XSD}integer>',
        f'ill.ttl:9: pikg:durationValue Duration-value--Datatype http://example.org/d "P7W"^^<{XSD}duration>',
        f'ill.ttl:10: schema:startDate Event-start--Datatype http://example.org/e "2017-02-30"^^<{XSD}date>',
        f'ill.ttl:11: dcterms:issued Publication-issued--Or http://example.org/p "٢٠١٧"^^<{XSD}gYear>',
        'ill.ttl:13: http://example.org/unconstrained WellTypedLiteral--Datatype http://example.org/x '
        f'"twelve"^^<{XSD}integer>',
    ]
    assert str(report.violations[0]) == (
        'ill.ttl:6: pikg:peerSupport: Peer support (pikg:peerSupport) is a single xsd:boolean, true or false. (value: '
        f'"yes"^^<{XSD}boolean>) [pikgsh:Intervention-peerSupport Datatype; focus <http://example.org/i>]')
    assert str(report.violations[-1]) == (
        "ill.ttl:13: http://example.org/unconstrained: An ill-typed literal: not a valid xsd:integer; a typed value "
        f'must be in its datatype\'s lexical space, whichever property holds it. (value: "twelve"^^<{XSD}integer>) '
        "[pikgsh:WellTypedLiteral Datatype; focus <http://example.org/x>]")
    from kg.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--data", "ill.ttl"])
    assert result.exit_code == 1, result.output
    assert "Validation: does not conform to the shapes: 7 violation(s)" in result.output


@pytest.mark.parametrize(("name", "content"), [
    ("feb30.ttl", XSD_PREFIX + '\n<http://example.org/e> a <http://schema.org/Event> ;\n'
     '  <http://schema.org/name> "E"@en ; <http://schema.org/startDate> "2017-02-30"^^xsd:date .\n'),
    ("feb30.nt", f'<http://example.org/e> <{RDF}type> <http://schema.org/Event> .\n'
     '<http://example.org/e> <http://schema.org/name> "E"@en .\n'
     f'<http://example.org/e> <http://schema.org/startDate> "2017-02-30"^^<{XSD}date> .\n'),
    ("feb30.jsonld", '{\n "@id": "http://example.org/e", "@type": "http://schema.org/Event",\n'
     ' "http://schema.org/name": {"@value": "E", "@language": "en"},\n'
     f' "http://schema.org/startDate": {{"@value": "2017-02-30", "@type": "{XSD}date"}}\n}}\n'),
    ("feb30.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
     '  xmlns:schema="http://schema.org/">\n <schema:Event rdf:about="http://example.org/e">\n'
     f'  <schema:name xml:lang="en">E</schema:name>\n'
     f'  <schema:startDate rdf:datatype="{XSD}date">2017-02-30</schema:startDate>\n'
     ' </schema:Event>\n</rdf:RDF>\n'),
])
def test_an_ill_typed_literal_is_read_in_every_format(tmp_path: Path, name: str, content: str) -> None:
    report, data = validate_file(_write(tmp_path, name, content))
    assert len(data) == 3
    assert [(v.constraint_id, v.value.n3()) for v in report.violations] == [
        ("Event-start--Datatype", f'"2017-02-30"^^<{XSD}date>')]


@pytest.mark.parametrize(("name", "content", "line"), [
    ("when.ttl", XSD_PREFIX + '<http://example.org/x> <http://example.org/when> "2017-03-01"^^xsd:date .\n'
     '<http://example.org/y> <http://example.org/when> "2017-02-30"^^xsd:date .\n', 3),
    ("when.nt", f'<http://example.org/x> <http://example.org/n> "7"^^<{XSD}integer> .\n'
     f'<http://example.org/y> <http://example.org/when> "2017-02-30"^^<{XSD}date> .\n', 2),
    ("when.jsonld", '{\n "@id": "http://example.org/y",\n'
     f' "http://example.org/when": {{"@value": "2017-02-30", "@type": "{XSD}date"}}\n}}\n', 3),
    ("when.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
     '  xmlns:ex="http://example.org/">\n <rdf:Description rdf:about="http://example.org/y">\n'
     f'  <ex:when rdf:datatype="{XSD}date">2017-02-30</ex:when>\n </rdf:Description>\n</rdf:RDF>\n', 5),
])
def test_an_ill_typed_literal_no_shape_covers_is_a_violation_with_its_line(tmp_path: Path, name: str, content: str,
                                                                           line: int) -> None:
    """Issue 25: an ill-typed literal on a property no shape constrains is a violation of its own, with the file and
    line that write it, in every format; `kg validate --data` exits 1."""
    report, _ = validate_file(_write(tmp_path, name, content))
    assert [str(v) for v in report.violations] == [
        f"{tmp_path / name}:{line}: http://example.org/when: An ill-typed literal: not a valid xsd:date (2017-02 has "
        "28 days); a typed value must be in its datatype's lexical space, whichever property holds it. (value: "
        f'"2017-02-30"^^<{XSD}date>) [pikgsh:WellTypedLiteral Datatype; focus <http://example.org/y>]']
    from kg.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--data", str(tmp_path / name)])
    assert result.exit_code == 1 and "does not conform to the shapes: 1 violation(s)" in result.output, result.output


@pytest.mark.parametrize("constraint", ["Duration-days--Datatype", "Authorship-position--Datatype",
                                        "Event-start--Datatype"])
def test_ill_typed_literals_are_reported_as_pyshacl_reports_them(constraint: str, union: Graph, tmp_path: Path
                                                                  ) -> None:
    """The fixture's value replaced by an ill-typed literal of the right datatype: the Oxigraph path names the
    constraints, focus nodes and values that pyshacl names (not "yes"^^xsd:boolean, which rdflib's parser
    rewrites as "false")."""
    from test_shapes import oracle, seen, with_fixture

    bad = {"Duration-days--Datatype": ("pikg:durationInDays", '"abc"^^xsd:integer'),
           "Authorship-position--Datatype": ("pikg:authorPosition", '"first"^^xsd:positiveInteger'),
           "Event-start--Datatype": ("schema:startDate", '"2017-02-30"^^xsd:date')}[constraint]
    graph = with_fixture(union, constraint)
    graph.update(f"DELETE {{ ?s {bad[0]} ?o }} INSERT {{ ?s {bad[0]} {bad[1]} }} WHERE {{ ?s {bad[0]} ?o "
                 f"FILTER (DATATYPE(?o) != {bad[1].split('^^')[1]}) }}",
                 initNs={"pikg": PREFIXES["pikg"], "schema": "http://schema.org/", "xsd": XSD})
    path = tmp_path / "ill.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    report, _ = validate_file(path)
    expected = oracle(Graph(bind_namespaces="none").parse(path, format="nt"))
    assert {v.constraint_id.split("--")[0] for v in report.violations} == {constraint.split("--")[0]}
    assert any(str(v.value).strip('"') == bad[1].split('"')[1] for v in report.violations)
    assert seen(report.violations) == seen(expected.violations)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "big.nt", "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n" * 10)
    with pytest.raises(InputError) as info:
        validate_file(Path("big.nt"), max_bytes=100)
    assert str(info.value) == ("big.nt: 710 bytes is over the input limit of 100 bytes "
                               "(raise it with --max-bytes or KG_MAX_INPUT_BYTES)")


def test_urls_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        validate_file(Path("http://example.org/data.ttl"))
    assert str(info.value) == ("http:/example.org/data.ttl: not a local file (only local files are read, "
                               "never URLs)")


def test_owl_imports_are_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "imports.ttl", "<http://example.org/o> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
           "  <http://www.w3.org/2002/07/owl#imports> <http://unreachable.invalid/ontology.ttl> .\n")
    report, graph = validate_file(Path("imports.ttl"))
    assert report.conforms
    assert len(graph) == 2


def test_someone_elses_invalid_graph_names_the_constraint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "theirs.ttl", "@prefix pikg: <https://w3id.org/pikg/ontology#> .\n"
           "<http://example.org/x> a pikg:Intervention ;\n  pikg:peerSupport \"yes\" .\n")
    report, _ = validate_file(Path("theirs.ttl"))
    assert not report.conforms
    assert sorted({v.constraint_id for v in report.violations}) == [  # an intervention needs only its name
        "Intervention-name--MinCount", "Intervention-peerSupport--Datatype"]


def test_the_violation_queries_that_judge_any_graph(kg, tmp_path: Path) -> None:
    """`kg validate --data` runs the violation queries that mean something on any graph: the shared names, not
    the provenance checks, which look for the build's one named graph per source (a file's named graphs are
    merged on reading, so they would never find a row)."""
    assert sorted(spec.name for spec in violation_queries(any_graph=True)) == ["ambiguous-name-violation"]
    assert sorted(spec.name for spec in violation_queries() if per_source(spec)) == [
        "unquoted-fact-violation", "unsourced-statement-violation"]
    from kg.release.export import serialize

    ours = serialize(kg, "nt").decode("utf-8")
    imr_as_ips = "<https://w3id.org/pikg/id/intervention/imr> <https://w3id.org/pikg/ontology#acronym> \"IPS\" .\n"
    verdict, _ = judge_file(_write(tmp_path, "shared-acronym.nt", ours + imr_as_ips))
    assert verdict.report.conforms and not verdict.ok
    assert list(verdict.queries) == ["ambiguous-name-violation"]
    assert [row[1] for row in verdict.queries["ambiguous-name-violation"].rows] == ["ips"]
    assert "Violation queries: 1 run, 1 returned rows: ambiguous-name-violation" in verdict.lines()


def test_json_ld_nesting_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def nested(depth: int) -> str:  # the outer object is one level, each array one more
        return '{"@id": "http://example.org/a",\n "http://example.org/p": ' + "[" * (depth - 1) + "1" + \
            "]" * (depth - 1) + "}\n"

    _write(tmp_path, "deep.jsonld", nested(MAX_JSON_DEPTH))
    report, data = validate_file(Path("deep.jsonld"))
    assert report.conforms and len(data) == 1
    _write(tmp_path, "deeper.jsonld", nested(MAX_JSON_DEPTH + 1))
    with pytest.raises(InputError) as info:
        validate_file(Path("deeper.jsonld"))
    assert str(info.value) == "deeper.jsonld:2: JSON nested more than 512 levels deep is refused"
    _write(tmp_path, "abyss.jsonld", nested(100_000))
    with pytest.raises(InputError, match="nested more than 512 levels"):
        validate_file(Path("abyss.jsonld"))


def test_json_ld_strings_with_brackets_and_escapes_do_not_count_as_nesting(tmp_path: Path) -> None:
    doc = {"@context": {"ex": "http://example.org/"}, "@id": "ex:a",
           "ex:text": "[[[{{{ \" \\ " * 600, "ex:more": ["]]]", "}}}"]}
    path = _write(tmp_path, "strings.jsonld", json.dumps(doc))
    report, data = validate_file(path)
    assert report.conforms and len(data) == 3


@pytest.mark.parametrize("size", [MAX_LITERAL_CHARS + 1, 20 * 1024 * 1024])
def test_huge_literals_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "huge.nt", '<http://example.org/a> <http://example.org/b> "small" .\n'
           '<http://example.org/a> <http://example.org/b> "' + "x" * size + '" .\n')
    with pytest.raises(InputError) as info:
        validate_file(Path("huge.nt"))
    assert str(info.value) == (
        f"huge.nt:2: a literal of {size:,} characters is over the limit of 1,048,576 characters"
        if size < 16 * 1024 * 1024 else
        "huge.nt:2: a literal or IRI of more than 16 MiB; literals are limited to 1,048,576 characters")


def test_a_literal_at_the_limit_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "long.nt", '<http://example.org/a> <http://example.org/b> "' + "x" * MAX_LITERAL_CHARS
                  + '" .\n')
    report, data = validate_file(path)
    assert report.conforms and len(data) == 1


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e6", "١٠٠", "12 MB"])
def test_a_bad_size_limit_setting_is_one_message(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", value)
    with pytest.raises(InputError) as info:
        max_input_bytes()
    assert str(info.value) == ("KG_MAX_INPUT_BYTES must be a positive whole number of bytes, such as 104857600 "
                               f"(100 MiB); got {value!r}")


def test_the_size_limit_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_MAX_INPUT_BYTES", raising=False)
    assert max_input_bytes() == 100 * 1024 * 1024
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", " 2048 ")
    assert max_input_bytes() == 2048
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "50")
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.nt", "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    with pytest.raises(InputError, match=r"a\.nt: 71 bytes is over the input limit of 50 bytes"):
        validate_file(Path("a.nt"))
    report, _ = validate_file(Path("a.nt"), max_bytes=100)  # --max-bytes wins
    assert report.conforms


def test_an_empty_file_is_an_empty_graph_that_conforms(tmp_path: Path) -> None:
    report, data = validate_file(_write(tmp_path, "empty.ttl", ""))
    assert report.conforms and len(data) == 0 and _classes(data) == {}


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_only_regular_files_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.chdir(tmp_path)
    if kind == "fifo":
        os.mkfifo(tmp_path / "x.ttl")  # opening it would block until a writer comes
    else:
        (tmp_path / "x.ttl").mkdir()
    with pytest.raises(InputError) as info:
        validate_file(Path("x.ttl"))
    assert str(info.value) == ("x.ttl: not a regular file (a FIFO, socket or device is never read)" if kind == "fifo"
                               else "x.ttl: is a folder; give an RDF file")


def test_named_graphs_are_merged_and_counted_once(tmp_path: Path) -> None:
    triple = "<http://example.org/a> <http://example.org/b> <http://example.org/c>"
    path = _write(tmp_path, "g.nq", f"{triple} <http://example.org/g1> .\n{triple} <http://example.org/g2> .\n"
                  f"{triple} .\n<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                  "<https://w3id.org/pikg/ontology#Mechanism> "
                  "<http://example.org/g1> .\n")
    _, data = validate_file(path)
    assert len(data) == 2
    assert _classes(data) == {"pikg:Mechanism": 1}


def test_blank_nodes_of_the_data_do_not_merge_with_the_ontologys(tmp_path: Path) -> None:
    """The ontology's Turtle has blank nodes too; the file's are renamed on reading, so a `_:b0` of theirs is
    never one of ours."""
    labels = "".join(f"_:b{i} <http://example.org/p> _:ub1bL{i}C1 .\n" for i in range(50))
    report, data = validate_file(_write(tmp_path, "b.nt", labels))
    assert report.conforms and len(data) == 50
    subjects = [q.subject.value for q in data.store.quads_for_pattern(
        None, ox.NamedNode("http://example.org/p"), None, None)]
    assert len(subjects) == 50 and not any(s.startswith("b") and len(s) < 6 for s in subjects)


def test_datatypes_are_judged_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Oxigraph's store keeps "01"^^xsd:positiveInteger as "1"^^xsd:integer; the report names the literal the
    file wrote, and an xsd:integer where xsd:positiveInteger is required is still a violation."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "positions.ttl", XSD_PREFIX + "@prefix pikg: <https://w3id.org/pikg/ontology#> .\n"
           '<http://example.org/as1> a pikg:Authorship ; pikg:authorPosition "01"^^xsd:positiveInteger ;\n'
           "  pikg:author <http://example.org/p1> .\n"
           '<http://example.org/as2> a pikg:Authorship ; pikg:authorPosition "2"^^xsd:integer ;\n'
           "  pikg:author <http://example.org/p1> .\n"
           "<http://example.org/p1> a <http://xmlns.com/foaf/0.1/Person> ;\n"
           '  <http://xmlns.com/foaf/0.1/name> "P" .\n')
    report, _ = validate_file(Path("positions.ttl"))
    datatype = [(v.constraint_id, str(v.focus), v.value.n3()) for v in report.violations
                if v.constraint_id.endswith("Datatype")]
    assert datatype == [("Authorship-position--Datatype", "http://example.org/as2", f'"2"^^<{XSD}integer>')]


def test_rdflib_never_logs_a_traceback(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A year past 9999 is a valid xsd:date that rdflib cannot turn into a Python date: it would log a warning
    with a traceback and call the literal ill-typed. kg.lexical's judgement stands, and nothing is logged."""
    _write(tmp_path, "far.ttl", XSD_PREFIX + "@prefix schema: <http://schema.org/> .\n"
           '<http://example.org/e> a schema:Event ; schema:startDate "10000-01-01"^^xsd:date ;\n'
           '  schema:endDate "10000-01-02"^^xsd:date ; schema:name "E"@en .\n')
    with caplog.at_level(logging.DEBUG):
        report, _ = validate_file(tmp_path / "far.ttl")
    assert not [r for r in caplog.records if r.name.startswith("rdflib") and r.levelno >= logging.WARNING]
    assert not [v for v in report.violations if v.constraint_id.endswith("Datatype")], str(report)


def test_class_counts_are_those_of_the_graph(kg, tmp_path: Path) -> None:
    """One count of instances per class (kg.model.stats.class_counts), from the store `kg validate --data`
    reads into, from the build's statements and from rdflib's parse of the file alike."""
    from kg.release.export import serialize

    path = _write(tmp_path, "pikg.nt", serialize(kg, "nt"))
    report, data = validate_file(path)
    assert report.conforms
    assert len(data) == BUNDLED["triples"]
    parsed = Graph().parse(path, format="nt")
    assert _classes(data) == compute_stats(kg).classes == class_counts(
        (str(s), str(o)) for s, o in parsed.subject_objects(RDF.type))


# --------------------------------------------------------------------- the same report as the pyshacl oracle

FIXTURES_TO_COMPARE = [  # one or more of each kind of constraint, the datatype ones above all
    "Authorship-author--Class", "Authorship-author--MaxCount", "Authorship-position--Datatype",
    "Authorship-position--MinCount", "Component-scheme--HasValue", "Duration-days--MinInclusive",
    "Duration-value--Datatype", "Event-start--Datatype", "Finding-direction--In", "Intervention-name--MinCount",
    "Intervention-conceptsInScheme--SPARQL", "Intervention-peerSupport--Datatype", "Intervention-type--Class",
    "Publication-doi--Pattern", "Publication-issued--Or", "Publication-language--Datatype",
    "Publication-title--SPARQL", "Sample-size--Datatype", "Study-sampleSize--Datatype",
]


@pytest.fixture(scope="module")
def union(kg) -> Graph:
    from test_shapes import base_graph_of

    return base_graph_of(kg)


@pytest.mark.parametrize("constraint", FIXTURES_TO_COMPARE)
def test_the_oxigraph_path_reports_what_pyshacl_reports(constraint: str, union: Graph, kg, tmp_path: Path) -> None:
    """validate_file streams the file into Oxigraph, without an rdflib graph of it. On a violating fixture of each
    kind of constraint, it names the constraints, focus nodes, values and messages that pyshacl (the oracle)
    names on the file parsed by rdflib."""
    from test_shapes import oracle, seen, with_fixture

    path = tmp_path / "fixture.nt"
    with_fixture(union, constraint).serialize(path, format="nt", encoding="utf-8")
    report, _ = validate_file(path)
    expected = oracle(Graph(bind_namespaces="none").parse(path, format="nt"))
    assert not report.conforms
    assert seen(report.violations) == seen(expected.violations)
