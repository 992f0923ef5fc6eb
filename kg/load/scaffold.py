"""Record skeletons for curators, generated from the record format (kg.schema.sections) so that the comments always say
what each field means and which values it allows. `kg new source` writes a new file; `kg new intervention`
(study, finding, …) appends a record to an existing file, leaving the rest of it as it was."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from kg.base.config import ID_RE
from kg.base.errors import InputError, display_path
from kg.base.files import write_atomic
from kg.load.tables import check_names
from kg.schema import OPEN_SCHEMES, RECORD_KINDS, SECTION_BY_NAME, SOURCE_FIELDS


def record_skeleton(section_name: str, rid: str, concepts: Mapping[str, set[str]]) -> str:
    """A record of the section: its required fields (the graph needs them: the shapes' minCount 1) with a value
    to fill in, the others commented out; each comment says the field's kind, meaning and allowed values."""
    section = SECTION_BY_NAME[section_name]
    lines = [f"  {rid}:", '    quote: ""  # REQUIRED: a verbatim passage of the source that names this record']
    for fld in section.fields:
        kind = f"{fld.kind}" + (", list" if fld.many else "")
        comment = f"# {kind}: {fld.doc}{fld.kind.hint(concepts)}"
        if fld.required or (section.by_concept and fld.name == "label"):  # a declared concept needs its label
            lines.append(f"    {fld.name}: {fld.kind.placeholder(fld.many)}  {comment} (required)")
        else:
            lines.append(f"    # {fld.name}:  {comment}")
    return "\n".join(lines) + "\n"


def scalar(value: str) -> str:
    """One YAML scalar, quoted and escaped by the YAML library as it needs (the skeleton's structure and comments
    are fixed text; every value given on the command line goes through here)."""
    return yaml.safe_dump(value, allow_unicode=True, width=1 << 30).removesuffix("\n...\n").rstrip("\n")


def source_skeleton(source_id: str, text_file: str, concepts: Mapping[str, set[str]]) -> str:
    if not ID_RE.fullmatch(source_id):
        raise InputError(f"source id {source_id!r}: use lower-case letters, digits and hyphens")
    check_names(source_id, text_file)
    pub = f"{source_id}-publication"
    lines = [
        "# yaml-language-server: $schema=record.schema.json",
        f"# Curated facts of the source {source_id!r}. Format: records/README.md. Every fact cites a verbatim quote",
        "# of the source text; fill in every \"\" and uncomment the fields the source gives.",
        "",
        "source:",
        f"  id: {source_id}  # {SOURCE_FIELDS['id']}",
        f"  label: \"\"  # {SOURCE_FIELDS['label']}",
        f"  text_file: {scalar(text_file)}  # {SOURCE_FIELDS['text_file']}",
        f"  publication: {pub}  # {SOURCE_FIELDS['publication']}",
        f"  quote: \"\"  # {SOURCE_FIELDS['quote']}",
        "",
        "publications:",
        record_skeleton("publications", pub, concepts).rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def new_source(records_dir: Path, source_id: str, text_file: str, concepts: Mapping[str, set[str]]) -> Path:
    if not ID_RE.fullmatch(source_id):
        raise InputError(f"source id {source_id!r}: use lower-case letters, digits and hyphens")
    path = records_dir / f"{source_id}.yaml"
    if path.exists() or path.is_symlink():
        raise InputError(f"{display_path(path)} already exists; choose another source id")
    write_atomic(path, source_skeleton(source_id, text_file, concepts).encode("utf-8"))
    return path


def append_record(path: Path, kind: str, rid: str, concepts: Mapping[str, set[str]]) -> None:
    """Append a record skeleton to the section of `kind` in an existing record file."""
    if kind not in RECORD_KINDS:
        raise InputError(f"unknown record kind {kind!r}; choose one of {', '.join(sorted(RECORD_KINDS))}")
    section = RECORD_KINDS[kind]
    if SECTION_BY_NAME[section].by_concept:  # declaring a concept of an open scheme: SCHEME/ID
        scheme, _, cid = rid.partition("/")
        if scheme not in OPEN_SCHEMES or not ID_RE.fullmatch(cid):
            schemes = ", ".join(sorted(OPEN_SCHEMES))
            raise InputError(f"concept {rid!r}: write SCHEME/ID with an open scheme ({schemes}) and an id of "
                             "lower-case letters, digits and hyphens")
        if cid in concepts.get(scheme, ()):
            raise InputError(f"concept {rid!r} is bundled already (ontology/vocabularies.ttl); use it as it is")
    elif not ID_RE.fullmatch(rid):
        raise InputError(f"record id {rid!r}: use lower-case letters, digits and hyphens")
    if path.is_symlink():
        raise InputError(f"{display_path(path)} is a link; give the record file itself")
    if not path.is_file():
        raise InputError(f"{display_path(path)}: no such record file; create one with `kg new source`")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{display_path(path)}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{display_path(path)}: not valid YAML ({exc}); fix it before adding records") from None
    if not isinstance(data, dict) or not isinstance(data.get(section) or {}, dict):
        raise InputError(f"{display_path(path)}: not a record file (a mapping with a `source:` section and record "
                         f"sections); {section} cannot be added to it")
    if rid in (data.get(section) or {}):
        raise InputError(f"{display_path(path)}: {section} already has a record {rid!r}")
    skeleton = record_skeleton(section, rid, concepts)
    match = re.search(rf"^{re.escape(section)}:[ \t]*(#.*)?$", text, re.MULTILINE)
    if match is None:
        text = text.rstrip("\n") + f"\n\n{section}:\n{skeleton}"
    else:
        following = re.compile(r"^\S", re.MULTILINE).search(text, match.end() + 1)
        end = following.start() if following else len(text)
        body = text[:end].rstrip("\n") + "\n"
        text = body + skeleton + ("\n" + text[end:] if following else "")
    write_atomic(path, text.encode("utf-8"))
