"""Namespaces, packaged resource folders and configurable settings.

The ontology and vocabulary namespaces are fixed (they name the model); the base IRI of the data is
configurable (`--base-iri` or the KG_BASE_IRI environment variable) so that another team can mint IRIs under
its own domain.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from kg.base.errors import InputError

ONTOLOGY_NS = "https://w3id.org/pikg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/pikg/ontology"
VOCAB_NS = "https://w3id.org/pikg/vocab/"
DEFAULT_BASE_IRI = "https://w3id.org/pikg/id/"
TITLE = "Psychosocial Intervention Knowledge Graph"  # the dataset's title
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a record id, a source id, a query name: no path, no suffix

PREFIXES: dict[str, str] = {
    "pikg": ONTOLOGY_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "sh": "http://www.w3.org/ns/shacl#",
}

SHAPES_NS = "https://w3id.org/pikg/shapes#"
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_STRING = PREFIXES["xsd"] + "string"
LANG_STRING = PREFIXES["rdf"] + "langString"


def compact(iri: str) -> str:
    """An IRI as prefix:local when one of our prefixes (or the shapes' pikgsh:) covers it, else unchanged."""
    for prefix, ns in (("pikgsh", SHAPES_NS), *PREFIXES.items()):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def expand(name: str) -> str:
    """prefix:local as a full IRI."""
    prefix, local = name.split(":", 1)
    return PREFIXES[prefix] + local


_PACKAGE = Path(__file__).resolve().parents[1]  # kg/: its data/ (a wheel) or its parent (a checkout) holds the model


def resource_dir(name: str) -> Path:
    """Folder of a packaged resource (ontology, shapes, queries, records).

    An installed wheel carries them in kg/data/; a source checkout has them beside the package.
    """
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"packaged folder {name!r} not found beside {_PACKAGE}")


def default_sources_dir() -> Path | None:
    """Where the source texts live, for quote checking: KG_SOURCES_DIR, else ../shared/seeds of a checkout."""
    env = os.environ.get("KG_SOURCES_DIR")
    if env:
        return Path(env)
    for base in (Path.cwd(), _PACKAGE.parent):
        candidate = base.parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


RELATIVE_HOST = "relative.invalid"  # stands for "relative to the file" while a file is written (kg.release)


def check_base_iri(base: str, given_as: str = "--base-iri") -> str:
    """The base IRI if it is an absolute IRI (RFC 3987, by Oxigraph's parser) and a URL as check_url takes one,
    else InputError: data IRIs are written into N-Triples as they are, so a space or `>` would break every file or
    smuggle triples in."""
    if base == DEFAULT_BASE_IRI:
        return base  # checked once by the tests; `kg query` from the cache starts without Oxigraph
    import pyoxigraph as ox

    from kg.base.errors import InputError

    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise InputError(f"{given_as} {base!r} is not an absolute IRI ({exc}); give one such as "
                         f"{DEFAULT_BASE_IRI}") from None
    if "@" in base.split("/")[2] if base.count("/") >= 2 else False:
        raise InputError(f"{given_as}: a base IRI with user information (user:password@) would put it into every "
                         "IRI of the data; give one without it")
    if not base.startswith(("http://", "https://")):
        raise InputError(f"{given_as} {base!r}: data IRIs are http or https IRIs; give one such as {DEFAULT_BASE_IRI}")
    if "#" in base:
        raise InputError(f"{given_as} {base!r}: a base IRI with a fragment (#) would give data IRIs such as "
                         f"{base}intervention/ips, and the nanopublications' IRIs a second '#'; end it with '/' "
                         f"instead, such as {DEFAULT_BASE_IRI}")
    if "?" in base or not base.isascii():
        raise InputError(f"{given_as} {base!r}: a base IRI with a query (?) or characters outside ASCII gives "
                         "nanopublication IRIs that their tools cannot resolve; percent-encode the characters and "
                         f"leave out the query, such as {DEFAULT_BASE_IRI}")
    return check_url(base, given_as)  # and what every URL must be: a port in range, escapes, no .invalid host


@dataclass(frozen=True)
class Settings:
    """Where the inputs are and how data IRIs are minted."""

    records_dir: Path
    sources_dir: Path | None
    base_iri: str = DEFAULT_BASE_IRI

    @classmethod
    def default(
        cls,
        records_dir: Path | None = None,
        sources_dir: Path | None = None,
        base_iri: str | None = None,
    ) -> Settings:
        base = check_base_iri(base_iri or os.environ.get("KG_BASE_IRI") or DEFAULT_BASE_IRI,
                              "--base-iri" if base_iri else "KG_BASE_IRI")
        if not base.endswith("/"):
            base += "/"
        return cls(
            records_dir=records_dir or resource_dir("records"),
            sources_dir=sources_dir if sources_dir is not None else default_sources_dir(),
            base_iri=base,
        )


# --- the release's options (`--release-date`, `--download-base`, SOURCE_DATE_EPOCH), checked here ---------

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
XSD_NS = PREFIXES["xsd"]


@dataclass(frozen=True)
class ReleaseInfo:
    """The release date (YYYY-MM-DD), the URL of the folder the release will be served from (ending in /; None
    when not known) and a SPARQL endpoint serving it (None)."""

    date: str = ""  # empty: the default (kg.release.metadata.resolved)
    download_base: str | None = None
    sparql_endpoint: str | None = None
    date_datatype = XSD_NS + "date"

    def url(self, rel: str) -> str | None:
        """The download URL of a release file (path relative to the folder), when the base is known."""
        return None if self.download_base is None else self.download_base + quote(rel)


def check_release_date(value: str) -> str:
    """A day as YYYY-MM-DD, with its calendar checked (no 30 February)."""
    try:
        if _DAY.match(value):
            return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise InputError(f"release date {value!r}: expected a day YYYY-MM-DD")


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def check_url(value: str, what: str) -> str:
    """An http(s) URL without query or fragment, with no user name or password (it would be published) and only
    well-formed percent escapes; InputError saying which, never a traceback (a bracketed host that does not
    close, a port out of range)."""
    expected = f"{what} {value!r}: expected an http:// or https:// URL without query or fragment"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as exc:
        raise InputError(f"{expected} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or any(
            c.isspace() or c in '<>"{}|\\^`' for c in value):
        raise InputError(expected)
    if parts.username is not None or parts.password is not None:
        shown = parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()  # never echoed back
        raise InputError(f"{what} {shown!r}: a user name or password in the URL would be written into the release; "
                         "give the URL without them")
    bad = _BAD_ESCAPE.search(value)
    if bad:
        raise InputError(f"{what} {value!r}: {value[bad.start():bad.start() + 3]!r} is not a percent escape (% and "
                         "two hexadecimal digits)")
    if (parts.hostname or "").endswith(".invalid"):
        raise InputError(f"{what} {value!r}: the .invalid top-level domain never resolves (RFC 2606)")
    return value


def check_download_base(value: str) -> str:
    """An http(s) URL of a folder, without query or fragment, ending in /."""
    value = check_url(value, "download base")
    return value if value.endswith("/") else value + "/"


def source_date_epoch() -> str | None:
    """The UTC day of SOURCE_DATE_EPOCH, when it is set."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise InputError(f"SOURCE_DATE_EPOCH={raw!r}: expected a whole number of seconds since 1970-01-01")
    try:
        return datetime.datetime.fromtimestamp(int(raw), datetime.UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        raise InputError(f"SOURCE_DATE_EPOCH={raw!r}: a date past the year 9999; expected the seconds since "
                         "1970-01-01 of a day up to 9999-12-31") from None
