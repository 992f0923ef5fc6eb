"""The release folder as a Research Object Crate (RO-Crate 1.3): ro-crate-metadata.json describes the folder
(name, description, licence, release date, version, keywords, creator), every file in it (what it is, media type,
size, SHA-256, download URL when the base is known) and the source documents with their authors, so that the
folder can be deposited as it is in Zenodo, WorkflowHub or any RO-Crate aware repository.

It is built with the `rocrate` library (the reference implementation, which knows the crate's context, profile
and metadata descriptor), given every identifier and the release date, so nothing in it is random or taken from
the clock: the same input gives the same bytes. RO-Crate 1.3 rather than 1.2: it is the version whose JSON-LD
context the library ships (rocrate/data/ro-crate.jsonld) and writes by default, so a validator (roc-validator has
a 1.3 profile: 1.2's rules with 1.3's context) can check the crate offline against a copy we did not write.

What a file is comes from the table of the release's README (release-README.md), so the crate and the README in
the folder say the same of each file, and a file the README does not describe is an error, not a silent gap.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

from kg import __version__
from kg.base.config import TITLE
from kg.base.files import write_atomic
from kg.release.metadata import CREATOR_NAME, KEYWORDS, LICENSE, LICENSE_NAME, ReleaseInfo, SourceWork

CRATE_VERSION = "1.3"
METADATA_FILE = "ro-crate-metadata.json"
FOLDERS = {"interventions/": "A JSON-LD document per intervention, framed for readers without RDF tools.",
           "nanopubs/": "A nanopublication (TriG) per finding: assertion, provenance with the quoted passage, "
                        "publication info."}
ITEMS = {"interventions/": "intervention", "nanopubs/": "finding"}  # what a folder's file is one of (its name)
LICENSE_DESCRIPTION = ("Anyone may share the data (copy and redistribute it in any medium or format) and adapt it "
                       "(remix, transform and build upon it) for any purpose, even commercially, provided they give "
                       "appropriate credit, provide a link to the licence and indicate if changes were made.")
README = Path(__file__).with_name("release-README.md")  # the release's README (description.py fills it in)
_ROW = re.compile(r"^\| (`[^|]+`) \| ([^|]+) \|$")


@cache
def _readme_rows() -> tuple[tuple[str, str], ...]:
    """(file name or pattern, what it is) per row of the release README's table, markup dropped."""
    rows: list[tuple[str, str]] = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            text = match[2].strip().replace("`", "")
            rows.extend((name, text[0].upper() + text[1:] + ".") for name in re.findall(r"`([^`]+)`", match[1]))
    return tuple(rows)


def file_description(rel: str) -> str:
    """What the file at `rel` is, as the release's README says (a file of a folder: its row, and which item it
    is); ValueError names a file the README does not describe."""
    for name, text in _readme_rows():
        if name == rel or ("*" in name and fnmatchcase(rel, name)):
            folder = next((f for f in ITEMS if rel.startswith(f)), None)
            if folder:
                text += f" This file holds the {ITEMS[folder]} {rel[len(folder):].rsplit('.', 1)[0]}."
            return text
    raise ValueError(f"{rel}: not described in the table of files of {README.name}")


def crate_metadata(files: dict[str, tuple[int, str]], media_types: dict[str, str], info: ReleaseInfo,
                   sources: list[SourceWork], creator_iri: str, description: str) -> dict[str, Any]:
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
                                                        "description": LICENSE_DESCRIPTION,
                                                        "identifier": "CC-BY-4.0"}))
    # no `identifier`: RO-Crate gives the root one for a persistent identifier assigned to the crate that resolves
    # to it (a DOI); the dataset's IRI in the graph (dataset.ttl's subject) is not that, and the crate has none
    for key, value in (("name", TITLE), ("description", description),
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
        properties: dict[str, Any] = {"name": rel, "description": file_description(rel),
                                      "encodingFormat": media_types[rel.rsplit(".", 1)[1]],
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
                sources: list[SourceWork], creator_iri: str, description: str) -> None:
    """ro-crate-metadata.json in the folder, written last: it lists every other file (the dataset descriptions
    too)."""
    doc = crate_metadata(files, media_types, info, sources, creator_iri, description)
    write_atomic(folder / METADATA_FILE, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
