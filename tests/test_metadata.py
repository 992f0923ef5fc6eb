"""Harvestable metadata: dataset.ttl (DCAT + VoID) and dataset.jsonld (schema.org) carry what catalogue
harvesters and dataset search engines read, the release date comes from an input (never the clock or file times),
and two builds of the same input give the same bytes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from conftest import BUNDLED, RELEASE_DAY, ROOT, write_release
from kg.base.errors import InputError
from kg.model.stats import compute_stats
from kg.release.description import DESCRIPTION, dataset_description
from kg.release.metadata import (
    ReleaseInfo,
    check_download_base,
    check_release_date,
    records_commit_date,
    release_info,
)

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed one warns when pytest inspects it
SCHEMA = Namespace("http://schema.org/")
BASE = "https://example.org/pikg/0.1.0/"
INFO = ReleaseInfo("2026-12-01", BASE)


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("metadata") / "release"
    write_release(kg, out, info=INFO)
    return out


@pytest.fixture(scope="module")
def plain(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release without a download base or date: dated by SOURCE_DATE_EPOCH (conftest)."""
    out = tmp_path_factory.mktemp("plain") / "release"
    write_release(kg, out)
    return out


def _offline(url: str, options: dict | None = None) -> dict:
    raise AssertionError(f"pyld tried to load {url}")


def _described(release: Path) -> list[str]:
    skip = {".pikg-output", "dataset.ttl", "dataset.jsonld", "ro-crate-metadata.json"}
    return sorted(n for n in (p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
                  if n not in skip)


def test_dataset_ttl_has_what_dcat_and_void_harvesters_follow(release: Path) -> None:
    desc = Graph().parse(release / "dataset.ttl")
    (ds,) = desc.subjects(RDF.type, DCAT.Dataset)
    day = Literal("2026-12-01", datatype=XSD.date)
    assert desc.value(ds, DCTERMS.issued) == day and desc.value(ds, DCTERMS.modified) == day
    assert desc.value(ds, DCTERMS.publisher) == desc.value(ds, DCTERMS.creator)
    keywords = {str(k) for k in desc.objects(ds, DCAT.keyword)}
    assert {"mental health", "peer support", "recovery"} <= keywords
    assert desc.value(ds, DCAT.landingPage) == URIRef(BASE)
    assert list(desc.objects(ds, VOID.dataDump)) == [URIRef(BASE + "pikg.nt")]
    assert desc.value(ds, VOID.sparqlEndpoint) is None  # not known to the build
    titles = []
    for dist in desc.objects(ds, DCAT.distribution):
        title = str(desc.value(dist, DCTERMS.title))
        titles.append(title)
        assert desc.value(dist, DCAT.downloadURL) == URIRef(BASE + title)
        assert desc.value(dist, DCAT.accessURL) == URIRef(BASE)
    assert sorted(titles) == _described(release)
    assert any(t.startswith("nanopubs/") for t in titles)


def test_without_a_download_base_links_are_relative_to_the_description(plain: Path) -> None:
    """Each distribution still has its download and access URL, as references relative to dataset.ttl (RFC
    3986): parsed from the file, they resolve to the files beside it."""
    desc = Graph().parse(plain / "dataset.ttl")
    folder = plain.resolve().as_uri() + "/"
    for prop in (DCAT.landingPage, VOID.sparqlEndpoint):
        assert not list(desc.subject_objects(prop)), prop
    (ds,) = desc.subjects(RDF.type, DCAT.Dataset)
    assert list(desc.objects(ds, VOID.dataDump)) == [URIRef(folder + "pikg.nt")]
    dists = list(desc.objects(ds, DCAT.distribution))
    assert sorted(str(desc.value(d, DCTERMS.title)) for d in dists) == _described(plain)
    for dist in dists:
        assert desc.value(dist, DCAT.downloadURL) == URIRef(folder + str(desc.value(dist, DCTERMS.title)))
        assert desc.value(dist, DCAT.accessURL) == URIRef(folder)
    assert desc.value(ds, DCTERMS.issued) == Literal(RELEASE_DAY, datatype=XSD.date)
    doc = json.loads((plain / "dataset.jsonld").read_text(encoding="utf-8"))
    assert "url" not in doc and doc["datePublished"] == RELEASE_DAY
    assert all(d["contentUrl"] == d["name"] for d in doc["distribution"])  # relative to dataset.jsonld


def test_sparql_endpoint_only_when_known(kg) -> None:
    info = release_info(kg.settings.records_dir, "2026-12-01", sparql_endpoint="https://example.org/sparql")
    desc = dataset_description(kg, compute_stats(kg), {}, info)
    assert list(desc.objects(None, VOID.sparqlEndpoint)) == [URIRef("https://example.org/sparql")]


def test_schema_org_description_has_the_fields_of_dataset_search(release: Path) -> None:
    """Google Dataset Search: name and description required (description 50 to 5000 characters); license as a
    URL, creator, datePublished, version, keywords and distribution with contentUrl and encodingFormat
    recommended."""
    doc = json.loads((release / "dataset.jsonld").read_text(encoding="utf-8"))
    assert doc["@type"] == "Dataset" and doc["name"]
    assert doc["description"] == DESCRIPTION and 50 <= len(doc["description"]) <= 5000
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert doc["creator"]["@type"] == "Organization" and doc["creator"]["name"]
    assert doc["datePublished"] == "2026-12-01" and doc["version"] == "0.1.0"
    assert isinstance(doc["keywords"], list) and len(doc["keywords"]) >= 5
    assert doc["url"] == BASE and doc["isAccessibleForFree"] is True
    assert sorted(d["name"] for d in doc["distribution"]) == _described(release)
    for dist in doc["distribution"]:
        assert dist["contentUrl"] == BASE + dist["name"]
        assert dist["encodingFormat"] and dist["@type"] == "DataDownload"
        assert dist["sha256"] == hashlib.sha256((release / dist["name"]).read_bytes()).hexdigest()
    authors = {s["@id"].rsplit("/", 1)[1]: [a["name"] for a in s.get("author", ())] for s in doc["isBasedOn"]}
    assert authors["ips-recovery-abstract"][:2] == ["Iben Gammelgaard Nielsen", "Elsebeth Stenager"]
    assert sum(map(len, authors.values())) == BUNDLED["classes"]["pikg:Authorship"]
    # as RDF (pyld, offline) the licence and the download links are IRIs, not strings
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _offline})
    assert ("<https://w3id.org/pikg/id/dataset> <http://schema.org/license> "
            "<https://creativecommons.org/licenses/by/4.0/> .") in nquads
    assert f"<http://schema.org/contentUrl> <{BASE}pikg.nt> ." in nquads


def _commit(repo: Path, stamp: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "records"], check=True, env=env)


def test_release_date_comes_from_inputs_never_from_a_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--release-date, else SOURCE_DATE_EPOCH, else the UTC day of the records' last commit, else a message; the
    records state 2021 (the article's year), which is never the release's date."""
    records = tmp_path / "repo" / "records"
    records.mkdir(parents=True)
    (records / "a.yaml").write_text("source: {}\n", encoding="utf-8")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pytest.raises(InputError) as refused:
        release_info(records)
    assert str(refused.value) == (
        f"no release date: {records} is not in a git checkout whose last commit would date the release; give "
        "--release-date YYYY-MM-DD or set SOURCE_DATE_EPOCH (seconds since 1970)")
    subprocess.run(["git", "init", "-q", str(records.parent)], check=True)
    _commit(records.parent, "2026-11-30T23:30:00-02:00")  # 1 December in UTC
    (records.parent / "README").write_text("not a record\n", encoding="utf-8")
    _commit(records.parent, "2026-12-05T10:00:00+00:00")  # a later commit that leaves the records alone
    assert records_commit_date(records) == "2026-12-01"
    assert release_info(records) == ReleaseInfo("2026-12-01")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    assert release_info(records).date == "2025-12-01"
    assert release_info(records, "2026-01-31").date == "2026-01-31"  # the option wins
    assert release_info(ROOT / "records", "2026-01-31").date_datatype == str(XSD.date)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        release_info(records)
    for bad in ("2026-02-30", "01/12/2026", "2026-1-1", "2026"):
        with pytest.raises(InputError, match="expected a day YYYY-MM-DD"):
            check_release_date(bad)
    assert check_download_base("https://example.org/pikg") == "https://example.org/pikg/"
    for bad in ("ftp://example.org/", "example.org/pikg", "https://example.org/?q=1", "https://ex ample.org/"):
        with pytest.raises(InputError, match="download base"):
            check_download_base(bad)


def test_two_builds_of_the_same_input_are_byte_identical(run, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the command, with the options and with SOURCE_DATE_EPOCH: the same bytes, nanopublications and
    crate included; another date changes the dates (and the nanopublications' trusty codes), nothing else."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    folders = {}
    for name, extra in (("a", ()), ("b", ()), ("c", ("--release-date", "2026-12-02"))):
        result = run("build", "--out", name, "--download-base", BASE, *extra)
        assert result.exit_code == 0, result.output
        folders[name] = {p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
                         for p in (tmp_path / name).rglob("*") if p.is_file()}
    assert folders["a"] == folders["b"]
    assert b'"datePublished": "2025-12-01"' in folders["a"]["dataset.jsonld"]
    changed = sorted(n for n in folders["a"] if folders["a"][n] != folders["c"].get(n))
    assert changed == sorted(n for n in folders["a"] if n.startswith(("dataset.", "nanopubs/"))
                             or n == "ro-crate-metadata.json")
    bad = run("build", "--out", "d", "--release-date", "2026-02-30")
    assert bad.exit_code == 2 and not (tmp_path / "d").exists()


def test_kg_site_takes_the_release_options(run, tmp_path: Path) -> None:
    """The site's download/ and its home page describe the release with the date and links given, and a site
    written with other options is not "up to date"."""
    base = "https://example.org/pikg/site/download/"
    args = ("site", "--out", "s", "--release-date", "2026-01-31", "--download-base", base)
    assert run(*args).exit_code == 0
    doc = json.loads((tmp_path / "s" / "download" / "dataset.jsonld").read_text(encoding="utf-8"))
    assert doc["datePublished"] == "2026-01-31" and doc["url"] == base
    assert all(d["contentUrl"] == base + d["name"] for d in doc["distribution"])
    home = (tmp_path / "s" / "index.html").read_text(encoding="utf-8")
    assert '"datePublished": "2026-01-31"' in home and f'"contentUrl": "{base}pikg.nt"' in home
    assert "up to date" in run(*args).output
    again = run("site", "--out", "s", "--release-date", "2026-02-01")
    assert again.exit_code == 0 and "up to date" not in again.output
    doc = json.loads((tmp_path / "s" / "download" / "dataset.jsonld").read_text(encoding="utf-8"))
    assert doc["datePublished"] == "2026-02-01" and "url" not in doc


def test_each_source_credits_the_byline_it_gives(tmp_path: Path) -> None:
    """Two sources giving bylines of one publication: the crate's and dataset.jsonld's authors of each source are
    its own byline in its order, never the two mixed (a finding of issue 25's second probe)."""
    import shutil

    from conftest import SECOND_VIEW
    from kg.base.config import Settings
    from kg.model.build import build
    from kg.release.metadata import source_works

    records = tmp_path / "records"
    shutil.copytree(ROOT / "records", records)
    shutil.copy(SECOND_VIEW, records)
    kg = build(Settings(records, None))
    works = {w.iri.rsplit("/", 1)[1]: [name for _, name in w.authors] for w in source_works(kg, kg.union())}
    assert works["second-view"] == []  # it gives a byline of another source's publication, not one of its own
    assert works["ips-recovery-abstract"] == [
        "Iben Gammelgaard Nielsen", "Elsebeth Stenager", "Lene Eplov", "Kirsten Schultz Petersen",
        "Thomas Nordahl Christensen", "Sofie Bratberg Jensen"]
