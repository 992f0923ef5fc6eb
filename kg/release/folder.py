"""A release folder for other repositories: every serialisation, the JSON-LD context, a framed JSON-LD document
per intervention, the ontology and shapes, a nanopublication per finding and a dataset description whose counts
and checksums describe the files beside it, all written from the statements the verdict judged.

The folder is written to a temporary sibling and renamed into place, so it is either complete and new or left
as it was. Nothing in it depends on the clock: the same input gives the same bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

from kg.base.config import PREFIXES, ReleaseInfo
from kg.base.files import atomic_writer, folder_files, replace_folder, write_atomic, write_lines
from kg.check.verdict import Checked
from kg.model.build import KnowledgeGraph, nquad_lines
from kg.model.published import Published
from kg.release.description import checksums, write_description
from kg.release.export import FORMATS, jsonld_context, serialize, write_turtle
from kg.release.framed import SCHEMA_FILE, ReleaseIndex, framed_intervention, framed_schema
from kg.release.jsonld import document
from kg.release.metadata import resolved
from kg.release.nanopubs import write_nanopubs
from kg.release.sssom import write_sssom

DERIVED = ("turtle", "trig", "json-ld", "rdf-xml")


def write_statements(folder: Path, data: Published) -> None:
    """pikg.nt and pikg.nq, streamed: every other format is made from these two files."""
    write_lines(folder / "pikg.nt", (f"{s} .\n" for s in data.union))
    write_lines(folder / "pikg.nq", nquad_lines(data.graphs.items()))


def write_rdfxml(folder: Path) -> None:
    """RDF/XML streamed by pyoxigraph from pikg.nt to the file (the triples in the same sorted order)."""
    import pyoxigraph as ox

    with atomic_writer(folder / "pikg.rdf") as handle:
        ox.serialize(ox.parse(path=str(folder / "pikg.nt"), format=ox.RdfFormat.N_TRIPLES), handle,
                     format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)


def write_derived(folder: Path, base_iri: str, formats: tuple[str, ...] = DERIVED, framed: bool = True) -> None:
    """The other formats and the framed documents, from pikg.nt and pikg.nq in `folder`: a second process runs
    this for a large graph while the first one awaits the verdict and writes the framed documents
    (`python -m kg.release.folder FOLDER BASE_IRI FORMAT…`). TriG is made first and its graphs let go before the
    union is read, to keep the process small."""
    if "trig" in formats:
        write_atomic(folder / "pikg.trig", serialize(Published.read(folder, base_iri, union=False), "trig"))
    if "rdf-xml" in formats:
        write_rdfxml(folder)
    if "turtle" in formats:  # from the file's bytes, without a line-by-line copy
        with atomic_writer(folder / "pikg.ttl") as handle:
            write_turtle(handle, folder / "pikg.nt", base_iri)
    if "json-ld" not in formats and not framed:
        return
    data = Published.read(folder, base_iri, graphs=False)
    if "json-ld" in formats:  # streamed to the file
        write_lines(folder / "pikg.jsonld", document(jsonld_context()["@context"], data.union), size=1000)
    if framed:
        write_framed(folder, data)


def write_framed(folder: Path, data: Published) -> None:
    """A framed document per intervention, and their JSON Schema."""
    index = ReleaseIndex(data.union, data.base_iri)
    for intervention in index.interventions:
        write_atomic(folder / "interventions" / f"{intervention.rsplit('/', 1)[1]}.jsonld",
                     framed_intervention(index, intervention))
    write_atomic(folder / SCHEMA_FILE, framed_schema())


def start_derived(folder: Path, base_iri: str, formats: tuple[str, ...]) -> subprocess.Popen:
    """write_derived in a new Python process (a new interpreter, so that the caller's script is not re-run),
    which then prints the checksums of what it wrote."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.Popen([sys.executable, "-m", "kg.release.folder", str(folder), base_iri, *formats], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=die_with_parent)


def die_with_parent() -> None:
    """In a child process, before exec: ask Linux to kill it when its parent dies, so that a killed `kg build`
    leaves no helper running (a SIGKILL gives the parent no chance to clean up). Elsewhere a no-op."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def finish_derived(process: subprocess.Popen) -> dict[str, tuple[int, str]]:
    """Wait for the helper; the checksums of the files it wrote."""
    out, err = process.communicate()
    if process.returncode:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {process.returncode}"]
        raise OSError(f"writing the release formats failed in the helper process: {last[0]}")
    return {name: (size, digest) for name, (size, digest) in json.loads(out).items()}

HELPER_FROM = 200_000  # published triples from which a helper process makes the other formats on a second core


def write_release_files(kg: KnowledgeGraph, folder: Path, data: Published, judged: Future[Checked],
                        info: ReleaseInfo | None = None, helper: bool | None = None) -> Checked:
    """The one release writer (for `kg build`, `kg release` and the download folder of `kg site`): pikg.nt and
    pikg.nq first, then the verdict on these statements (`judged`: the caller judges them beside this writing),
    then, only when they pass, every other file, the dataset description last. Returns the verdict: on a failing
    graph nothing more is written, and the caller drops the folder.

    With `helper` (by default, from HELPER_FROM triples), a second process makes Turtle, TriG, JSON-LD and RDF/XML
    from the two statement files, and hashes them, while this one waits for the verdict and writes the framed
    documents; the files are the same bytes either way. `info`: the release date and download base (by default
    the date the records give, no base)."""
    info = resolved(kg, info)
    if helper is None:
        helper = len(data.union) >= HELPER_FROM
    write_statements(folder, data)
    process = start_derived(folder, kg.settings.base_iri, DERIVED) if helper else None
    known = None
    try:
        checked = judged.result()
        if not checked.ok:
            return checked  # the helper is stopped below
        if process is None:
            write_derived(folder, kg.settings.base_iri)
        else:
            write_framed(folder, data)
            known = checksums(folder, [folder / "pikg.nt", folder / "pikg.nq", folder / SCHEMA_FILE,
                                       *sorted((folder / "interventions").glob("*.jsonld"))])
            known.update(finish_derived(process))
            process = None
    finally:
        if process is not None:
            process.kill()
            process.communicate()
    write_nanopubs(folder, data, info)
    write_sssom(folder, data.union, kg.settings.base_iri)
    write_description(kg, checked.stats, folder, known, info, data)
    return checked


def write_release(kg: KnowledgeGraph, data: Published, judged: Future[Checked], out_dir: Path,
                  info: ReleaseInfo | None = None, helper: bool | None = None, remember: bool = False
                  ) -> tuple[Checked, dict[str, Path]]:
    """The release of kg's statements in out_dir, replacing what was there only once the new folder is complete and
    the verdict passed; the verdict and the files written (none when it failed). `remember`: leave in the cache the
    released N-Quads that `kg query` reads next."""
    checked = replace_folder(out_dir, lambda folder: write_release_files(kg, folder, data, judged, info, helper),
                             keep=lambda result: result.ok)
    if not checked.ok:
        return checked, {}
    if remember:
        from kg.query.cache import remember_release

        remember_release(kg.settings, kg, out_dir)
    return checked, folder_files(out_dir)


if __name__ == "__main__":  # the helper: the main process writes the framed documents
    _folder, _formats = Path(sys.argv[1]), tuple(sys.argv[3:])
    write_derived(_folder, sys.argv[2], _formats, framed=False)
    print(json.dumps(checksums(_folder, [_folder / f"pikg.{FORMATS[fmt][0]}" for fmt in _formats])))
