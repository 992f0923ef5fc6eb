"""Each finding is a nanopublication that the `nanopub` library (offline) accepts: four graphs, the assertion
the finding's own triples, the provenance its quoted passages and source, the publication info the release date
and licence, and a trusty URI that the library recomputes; a changed byte breaks it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from nanopub import Nanopub
from nanopub.utils import MalformedNanopubError
from rdflib import RDF, Literal, Namespace, URIRef

from conftest import BUNDLED, write_release
from kg.release.export import export_graph
from kg.release.metadata import ReleaseInfo
from kg.release.nanopubs import artefact_code

PIKG = Namespace("https://w3id.org/pikg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed one warns when pytest inspects it
NP = Namespace("http://www.nanopub.org/nschema#")
ELSEWHERE = {PIKG.supportingPassage, DCTERMS.isReferencedBy}  # about the finding's source: in the provenance


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the nanopub library tried to reach a server")

    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nanopubs") / "release"
    write_release(kg, out, info=ReleaseInfo("2026-12-01"))
    return out


def test_one_nanopublication_per_finding(kg, release: Path) -> None:
    findings = sorted(str(f).rsplit("/", 1)[1] for f in export_graph(kg).subjects(RDF.type, PIKG.Finding))
    assert sorted(p.stem for p in (release / "nanopubs").glob("*.trig")) == findings
    assert len(findings) == BUNDLED["classes"]["pikg:Finding"]


def test_each_is_valid_and_its_trusty_uri_checks(kg, release: Path) -> None:
    graph = export_graph(kg)
    for path in sorted((release / "nanopubs").glob("*.trig")):
        np = Nanopub(rdf=path)
        assert np.is_valid and np.has_valid_trusty, path.name
        uri = np.metadata.np_uri
        assert str(uri).startswith(f"https://w3id.org/pikg/id/nanopub/{path.stem}/RA") and np.metadata.trusty
        finding = URIRef(f"https://w3id.org/pikg/id/finding/{path.stem}")
        assert set(np.assertion) == {(finding, p, o) for p, o in graph.predicate_objects(finding)
                                     if p not in ELSEWHERE}
        passages = set(np.provenance.objects(np.metadata.assertion, PROV.wasDerivedFrom))
        assert graph.value(finding, PIKG.supportingPassage) in passages
        for passage in passages:
            assert np.provenance.value(passage, OA.exact) == graph.value(passage, OA.exact) is not None
            source = np.provenance.value(passage, PIKG.inSource)
            assert (np.metadata.assertion, PROV.hadPrimarySource, source) in np.provenance
        assert np.pubinfo.value(uri, DCTERMS.created) == Literal("2026-12-01", datatype=XSD.date)
        assert np.pubinfo.value(uri, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        assert (uri, RDF.type, NP.Nanopublication) in np.head
        assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))) == len(np.rdf)  # a strict parser too


def test_a_changed_nanopublication_fails_its_trusty_uri(release: Path, tmp_path: Path) -> None:
    path = release / "nanopubs" / "ips-personal-recovery-result.trig"
    text = path.read_text(encoding="utf-8")
    assert '"IPS contributed to personal recovery"@en' in text
    changed = tmp_path / path.name
    changed.write_text(text.replace('"IPS contributed to personal recovery"@en', '"IPS cured everyone"@en'),
                       encoding="utf-8")
    with pytest.raises(MalformedNanopubError, match="Trusty"):
        assert Nanopub(rdf=changed).has_valid_trusty


def test_the_artefact_code_follows_the_trusty_uri_order() -> None:
    """IRIs before literals, literals by lexical form, a language-tagged one before a typed one; duplicates
    count once; the code is 45 characters of URL-safe base64 after RA."""
    g, s, p = "<http://x/ #a>", "<http://x/s>", "<http://x/p>"
    quads = [(g, s, p, '"b"'), (g, s, p, "<http://x/o>"), (g, s, p, '"a"@en'), (g, s, p, '"a"^^<http://x/t>')]
    code = artefact_code(quads)
    assert code == artefact_code(list(reversed(quads)) + quads[:1])
    assert len(code) == 45 and code.startswith("RA") and set(code[2:]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
