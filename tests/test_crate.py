"""The release folder is a Research Object Crate: the `rocrate` library reads it back and finds every file with
its size and checksum, the licence, the description, the release date and the authors of the sources (the
persons of the graph), and nothing in the metadata is random or taken from the clock."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, Namespace
from rocrate.model.file import File
from rocrate.rocrate import ROCrate

from conftest import write_release
from kg.release.crate import CRATE_VERSION, METADATA_FILE, crate_metadata
from kg.release.description import DESCRIPTION, MEDIA_TYPES
from kg.release.export import export_graph
from kg.release.metadata import LICENSE, ReleaseInfo

PIKG = Namespace("https://w3id.org/pikg/ontology#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
BASE = "https://example.org/pikg/0.1.0/"


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("crate") / "release"
    write_release(kg, out, info=ReleaseInfo("2026-12-01", BASE))
    return out


def test_rocrate_reads_the_release_back(kg, release: Path) -> None:
    crate = ROCrate(release)
    root = crate.root_dataset
    assert crate.metadata.id == METADATA_FILE
    profile = f"https://w3id.org/ro/crate/{CRATE_VERSION}"
    assert getattr(crate.metadata["conformsTo"], "id", crate.metadata["conformsTo"]) == profile
    assert root["name"] == "Psychosocial Intervention Knowledge Graph" and root["description"] == DESCRIPTION
    assert root["datePublished"] == "2026-12-01" and root["version"] == "0.1.0" and root["url"] == BASE
    assert root["license"].id == LICENSE and crate.get(LICENSE)["name"]
    assert root["creator"]["name"] == "pikg contributors"
    on_disk = sorted(p.relative_to(release).as_posix() for p in release.rglob("*")
                     if p.is_file() and p.name not in (".pikg-output", METADATA_FILE))
    files = {e.id: e for e in crate.data_entities if isinstance(e, File)}
    assert sorted(files) == on_disk  # every file, the dataset descriptions too
    for rel, entity in files.items():
        data = (release / rel).read_bytes()
        assert entity["contentSize"] == str(len(data)) and entity["sha256"] == hashlib.sha256(data).hexdigest()
        assert entity["encodingFormat"] == MEDIA_TYPES[rel.rsplit(".", 1)[1]]
        assert entity["contentUrl"] == BASE + rel
    assert {e.id for e in root["hasPart"]} >= set(on_disk)
    nanopubs = crate.get("nanopubs/")
    assert sorted(e.id for e in nanopubs["hasPart"]) == [f for f in on_disk if f.startswith("nanopubs/")]


def test_the_crate_names_the_sources_and_their_authors_from_the_graph(kg, release: Path) -> None:
    crate = ROCrate(release)
    graph = export_graph(kg)
    authors = {str(graph.value(a, PIKG.author)) for a in graph.subjects(RDF.type, PIKG.Authorship)}
    names = {str(p): str(graph.value(p, FOAF.name)) for p in graph.subjects(RDF.type, FOAF.Person)}
    people = {e.id: e["name"] for e in crate.get_entities() if e.type == "Person"}
    assert people == {p: names[p] for p in authors} and len(people) == len(authors) > 0
    sources = crate.root_dataset["isBasedOn"]
    assert [s.id.rsplit("/", 1)[1] for s in sources] == [rf.source.id for rf in kg.files]
    abstract = crate.get("https://w3id.org/pikg/id/source/ips-recovery-abstract")
    assert [a["name"] for a in abstract["author"]][:2] == ["Iben Gammelgaard Nielsen", "Elsebeth Stenager"]
    assert crate.get("https://w3id.org/pikg/id/source/missing-link-abstract")["sameAs"] == (
        "https://doi.org/10.1186/s40359-021-00567-w")


def test_the_crate_is_deterministic(kg, release: Path) -> None:
    """No random identifiers (the library's `#<uuid>`), no time but the release date."""
    text = (release / METADATA_FILE).read_text(encoding="utf-8")
    assert not re.search(r'"@id": "#', text)
    assert re.findall(r"\d{4}-\d{2}-\d{2}T", text) == []
    doc = json.loads(text)
    again = crate_metadata({"a.ttl": (1, "0" * 64)}, MEDIA_TYPES, ReleaseInfo("2026-12-01"), [], "x:ds", "x:org",
                           "d")
    assert again == crate_metadata({"a.ttl": (1, "0" * 64)}, MEDIA_TYPES, ReleaseInfo("2026-12-01"), [], "x:ds",
                                   "x:org", "d")
    entity = next(e for e in again["@graph"] if e["@id"] == "a.ttl")
    assert "contentUrl" not in entity and "url" not in again["@graph"][0]  # no download base, no links
    assert doc["@graph"][0]["@id"] == "./"
