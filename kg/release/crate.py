"""The release folder as a Research Object Crate (RO-Crate 1.2): ro-crate-metadata.json describes the folder
(name, description, licence, release date, version, keywords, creator), every file in it (media type, size,
SHA-256, download URL when the base is known) and the source documents with their authors, so that the folder
can be deposited as it is in Zenodo, WorkflowHub or any RO-Crate aware repository.

It is built with the `rocrate` library (the reference implementation, which knows the crate's context, profile
and metadata descriptor), given every identifier and the release date, so nothing in it is random or taken from
the clock: the same input gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg import __version__
from kg.base.config import TITLE
from kg.base.files import write_atomic
from kg.release.metadata import CREATOR_NAME, KEYWORDS, LICENSE, LICENSE_NAME, ReleaseInfo, SourceWork

CRATE_VERSION = "1.2"
METADATA_FILE = "ro-crate-metadata.json"
FOLDERS = {"interventions/": "A JSON-LD document per intervention, framed for readers without RDF tools.",
           "nanopubs/": "A nanopublication (TriG) per finding: assertion, provenance with the quoted passage, "
                        "publication info."}


def crate_metadata(files: dict[str, tuple[int, str]], media_types: dict[str, str], info: ReleaseInfo,
                   sources: list[SourceWork], dataset_iri: str, creator_iri: str, description: str) -> dict[str, Any]:
    """The crate's JSON-LD: the root dataset, one File entity per file (relative path → size and SHA-256), the
    folders, the licence, the creator, and the sources with their authors."""
    from rocrate.model.contextentity import ContextEntity
    from rocrate.model.person import Person
    from rocrate.rocrate import ROCrate

    crate = ROCrate(gen_preview=False, version=CRATE_VERSION)
    root = crate.root_dataset
    creator = crate.add(ContextEntity(crate, creator_iri, properties={"@type": "Organization",
                                                                      "name": CREATOR_NAME}))
    crate.add(ContextEntity(crate, LICENSE, properties={"@type": "CreativeWork", "name": LICENSE_NAME,
                                                        "identifier": "CC-BY-4.0"}))
    for key, value in (("name", TITLE), ("description", description), ("identifier", dataset_iri),
                       ("license", {"@id": LICENSE}), ("datePublished", info.date), ("version", __version__),
                       ("keywords", list(KEYWORDS)), ("creator", {"@id": creator.id}),
                       ("publisher", {"@id": creator.id}), ("inLanguage", "en")):
        root[key] = value
    if info.download_base:
        root["url"] = info.download_base
    folders = {}
    for folder, text in FOLDERS.items():
        if any(rel.startswith(folder) for rel in files):
            folders[folder] = crate.add_dataset(source=None, dest_path=folder, properties={
                "name": folder.rstrip("/"), "description": text})
    for rel, (size, sha256) in sorted(files.items()):
        properties: dict[str, Any] = {"name": rel, "encodingFormat": media_types[rel.rsplit(".", 1)[1]],
                                      "contentSize": str(size), "sha256": sha256}
        url = info.url(rel)
        if url:
            properties["contentUrl"] = url
        entity = crate.add_file(source=None, dest_path=rel, properties=properties)
        within = next((f for f in folders if rel.startswith(f)), None)
        if within:
            folders[within].append_to("hasPart", entity)
    people = {}
    works = []
    for work in sources:
        for person, name in work.authors:
            if person not in people:
                people[person] = crate.add(Person(crate, person, properties={"name": name}))
        properties = {"@type": "CreativeWork", "name": work.label,
                      "author": [{"@id": person} for person, _ in work.authors]}
        if work.doi:
            properties["sameAs"] = f"https://doi.org/{work.doi}"
        if not work.authors:
            del properties["author"]
        works.append(crate.add(ContextEntity(crate, work.iri, properties=properties)))
    root["isBasedOn"] = [{"@id": work.id} for work in works]
    return crate.metadata.generate()


def write_crate(folder: Path, files: dict[str, tuple[int, str]], media_types: dict[str, str], info: ReleaseInfo,
                sources: list[SourceWork], dataset_iri: str, creator_iri: str, description: str) -> None:
    """ro-crate-metadata.json in the folder, written last: it lists every other file (the dataset descriptions
    too)."""
    doc = crate_metadata(files, media_types, info, sources, dataset_iri, creator_iri, description)
    write_atomic(folder / METADATA_FILE, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
