"""The release folder is a Research Object Crate: the `rocrate` library reads it back and finds every file with
its size, checksum and what it is, the licence, the description, the release date and the authors of the sources
(the persons of the graph); roc-validator, offline, finds nothing to object to at the required and recommended
levels but the facts the release does not have; and nothing in the metadata is random or taken from the clock."""

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
from kg.release.crate import CRATE_VERSION, LICENSE_DESCRIPTION, METADATA_FILE, crate_metadata, file_description
from kg.release.description import DESCRIPTION, MEDIA_TYPES, README
from kg.release.export import export_graph
from kg.release.metadata import LICENSE, ReleaseInfo

PIKG = Namespace("https://w3id.org/pikg/ontology#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
BASE = "https://example.org/pikg/0.1.0/"
RELEASE_DATE = "2026-12-07"


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("crate") / "release"
    write_release(kg, out, info=ReleaseInfo(RELEASE_DATE, BASE))
    return out


def test_rocrate_reads_the_release_back(kg, release: Path) -> None:
    crate = ROCrate(release)
    root = crate.root_dataset
    assert crate.metadata.id == METADATA_FILE
    profile = f"https://w3id.org/ro/crate/{CRATE_VERSION}"
    assert getattr(crate.metadata["conformsTo"], "id", crate.metadata["conformsTo"]) == profile
    assert root["name"] == "Psychosocial Intervention Knowledge Graph" and root["description"] == DESCRIPTION
    assert root["datePublished"] == RELEASE_DATE and root["version"] == "0.1.0" and root["url"] == BASE
    assert root["license"].id == LICENSE and crate.get(LICENSE)["name"]
    assert crate.get(LICENSE)["description"] == LICENSE_DESCRIPTION
    assert "identifier" not in root.properties()  # the crate has no persistent identifier of its own
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
    again = crate_metadata({"pikg.ttl": (1, "0" * 64)}, MEDIA_TYPES, ReleaseInfo("2026-12-01"), [], "x:org", "d")
    assert again == crate_metadata({"pikg.ttl": (1, "0" * 64)}, MEDIA_TYPES, ReleaseInfo("2026-12-01"), [], "x:org",
                                   "d")
    entity = next(e for e in again["@graph"] if e["@id"] == "pikg.ttl")
    assert "contentUrl" not in entity and "url" not in again["@graph"][0]  # no download base, no links
    assert doc["@graph"][0]["@id"] == "./"


def test_every_file_says_what_it_is_as_the_release_readme_does(release: Path) -> None:
    crate = ROCrate(release)
    files = {e.id: e["description"] for e in crate.data_entities if isinstance(e, File)}
    assert files["pikg.nt"] == ("The whole graph as N-Triples, one triple per line, sorted: the union of the named "
                                "graphs, the file to load to run the bundled queries.")
    assert files["interventions/imr.jsonld"] == (
        "One framed JSON-LD document per intervention, with its components (in the source's order), delivery, "
        "duration, findings and sources nested inside it. This file holds the intervention imr.")
    readme = README.read_text(encoding="utf-8").replace("`", "").lower()  # the crate's first letter is a capital
    items = {"interventions": "intervention", "nanopubs": "finding"}
    for rel, text in files.items():
        row = text.split(". This file holds the ")[0].removesuffix(".")
        assert f" | {row.lower()} |" in readme, rel
        if "/" in rel:
            folder, name = rel.split("/")
            assert text.endswith(f". This file holds the {items[folder]} {name.rsplit('.', 1)[0]}."), rel
    with pytest.raises(ValueError) as error:
        file_description("notes.txt")
    assert str(error.value) == "notes.txt: not described in the table of files of release-README.md"


# The recommended-level checks that ask for what the release does not know, and whom each names: no source states
# an author's ORCID or affiliation, and the release's creator and publisher (its contributors, not a registered
# organisation) has no ROR identifier, web site or contact point. Any other issue fails the test.
LACKING_FACTS = {
    "Person: SHOULD have ORCID identifier": "persons",
    "CreativeWork Author: RECOMMENDED affiliation property": "authors",
    "CreativeWork Author: RECOMMENDED Contextual Entity linked for the organizational `affiliation` property":
        "authors",
    "Organization: SHOULD have ROR identifier": "creator",
    "Organization: RECOMMENDED url property": "creator",
    "Organization: RECOMMENDED contactPoint references ContactPoint entity": "creator",
    "Root Data Entity: at least one author/publisher SHOULD have contactPoint": "root",
}


@pytest.fixture
def offline_cache(tmp_path: Path):
    """roc-validator's HTTP cache in a temporary folder, holding the RO-Crate context from the copy the `rocrate`
    library ships (the validator fetches it by its URL; offline, nothing else is fetched), and the validator's
    global state (its HTTP requester, rdflib's JSON-LD loader it replaces) restored afterwards."""
    import requests
    import rocrate
    from requests.structures import CaseInsensitiveDict
    from requests_cache import CachedRequest, CachedResponse
    from rocrate_validator.utils.document_loader import uninstall_document_loader
    from rocrate_validator.utils.http import HttpRequester

    context = Path(rocrate.__file__).with_name("data") / "ro-crate.jsonld"
    url = json.loads(context.read_text(encoding="utf-8"))["@id"]
    assert url == f"https://w3id.org/ro/crate/{CRATE_VERSION}/context"
    cache = tmp_path / "http-cache"
    requester = HttpRequester.initialize_cache(cache_path=str(cache), offline=True)
    requester.session.cache.save_response(CachedResponse(
        content=context.read_bytes(), encoding="utf-8", headers=CaseInsensitiveDict(
            {"Content-Type": "application/ld+json"}), reason="OK", status_code=200, url=url,
        request=CachedRequest.from_request(requests.Request("GET", url).prepare())))
    try:
        yield cache
    finally:
        HttpRequester.reset()
        uninstall_document_loader()


def test_roc_validator_offline_finds_nothing_but_facts_the_release_lacks(release: Path, offline_cache: Path) -> None:
    """The released crate (dated 2026-12-07) against roc-validator's profile of its RO-Crate version, at the required
    and recommended levels, offline: every check runs (none skipped for want of the context) and the only issues
    are LACKING_FACTS's, each naming exactly the entities it concerns."""
    from rocrate_validator import services
    from rocrate_validator.models import ValidationSettings

    settings = ValidationSettings(rocrate_uri=str(release), profile_identifier=f"ro-crate-{CRATE_VERSION}",
                                  requirement_severity="RECOMMENDED", offline=True, cache_path=offline_cache)
    result = services.validate(settings)
    broken = [f"{d.check.name}: {d.message}" for d in result.skipped_check_details if d.category.value == "exception"]
    assert broken == []
    issues = result.get_issues()
    unexpected = [f"{i.severity.name} {i.check.identifier} {i.check.name}: {i.message} ({i.violatingEntity})"
                  for i in issues if i.check.name not in LACKING_FACTS]
    assert unexpected == [], "\n".join(unexpected)
    graph = json.loads((release / METADATA_FILE).read_text(encoding="utf-8"))["@graph"]
    root = next(e for e in graph if e["@id"] == "./")
    whom = {"persons": sorted(e["@id"] for e in graph if e["@type"] == "Person"),
            "authors": sorted({a["@id"] for e in graph for a in e.get("author", [])}),
            "creator": [root["creator"]["@id"]], "root": ["./"]}
    found: dict[str, list[str]] = {}
    for issue in issues:
        found.setdefault(issue.check.name, []).append(str(issue.violatingEntity))
    assert {name: sorted(ids) for name, ids in found.items()} == {name: whom[kind]
                                                                   for name, kind in LACKING_FACTS.items()}
    assert len(whom["persons"]) == len(whom["authors"]) > 0
