"""Hostile release options and output folders (issue 25, items 3 and 5): the release date is never guessed, the
options of `kg site` are checked as `kg build`'s are, and files others put into an output folder survive."""

from __future__ import annotations

from pathlib import Path

from case import Case


def _release_with_notes(ws: Path) -> None:
    """A release of ours (its stamp lists what it wrote) that someone added notes and a signature to."""
    out = ws / "out"
    (out / "signatures").mkdir(parents=True)
    (out / ".pikg-output").write_text("pikg release\npikg.nt\n")
    (out / "pikg.nt").write_text("")
    (out / "NOTES.md").write_text("# my notes\n")
    (out / "signatures" / "pikg.nt.asc").write_text("-----BEGIN PGP SIGNATURE-----\n")


def _old_release_with_notes(ws: Path) -> None:
    """As _release_with_notes, stamped before stamps listed paths: the release's own names are known."""
    _release_with_notes(ws)
    (ws / "out" / ".pikg-output").write_text("pikg release\n")


def _old_site_with_cname(ws: Path) -> None:
    """As _site_with_cname, stamped before stamps listed paths: the site's manifest lists its files."""
    _site_with_cname(ws)
    (ws / "site" / ".pikg-output").write_text("pikg site\n")
    (ws / "site" / ".pikg-site.json").write_text('{"version": 1, "files": {"index.html": ["", 4, 0]}}')


def _notes_kept(ws: Path) -> None:
    assert (ws / "out" / "NOTES.md").read_text() == "# my notes\n"
    assert (ws / "out" / "signatures" / "pikg.nt.asc").read_text() == "-----BEGIN PGP SIGNATURE-----\n"
    assert (ws / "out" / "pikg.nt").stat().st_size > 0  # ours, replaced


def _site_with_cname(ws: Path) -> None:
    (ws / "site" / ".git").mkdir(parents=True)
    (ws / "site" / ".pikg-output").write_text("pikg site\nindex.html\n")
    (ws / "site" / "index.html").write_text("old\n")
    (ws / "site" / "CNAME").write_text("pikg.example.org\n")
    (ws / "site" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")


def _cname_kept(ws: Path) -> None:
    assert (ws / "site" / "CNAME").read_text() == "pikg.example.org\n"
    assert (ws / "site" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (ws / "site" / "index.html").read_text() != "old\n"


NO_DATE = ("no release date:", "is not in a git checkout whose last commit would date the release; give "
           "--release-date YYYY-MM-DD or set SOURCE_DATE_EPOCH (seconds since 1970)")
CASES = [
    Case("release-date-unknown", ("build", "--records", "{records}", "--out", "{ws}/out"), 2, NO_DATE, env={"SOURCE_DATE_EPOCH": ""},
         after=lambda ws: None if not (ws / "out").exists() else (_ for _ in ()).throw(AssertionError("written"))),
    Case("site-release-date-unknown", ("site", "--records", "{records}", "--out", "{ws}/site"), 2, NO_DATE, env={"SOURCE_DATE_EPOCH": ""}),
    Case("site-release-date-bad", ("site", "--out", "{ws}/site", "--release-date", "2026-02-30"), 2,
         ("error: release date '2026-02-30': expected a day YYYY-MM-DD",)),
    Case("site-download-base-with-password", ("site", "--out", "{ws}/site", "--download-base",
                                              "https://admin:hunter2@x.org/pikg/"), 2,
         ("error: download base 'https://***@x.org/pikg/': a user name or password",), absent=("hunter2",)),
    Case("download-base-reserved-domain", ("build", "--out", "{ws}/out", "--download-base", "https://relative.invalid/"),
         2, ("error: download base 'https://relative.invalid/': the .invalid top-level domain never resolves",)),
    Case("base-iri-with-query", ("build", "--out", "{ws}/out", "--base-iri", "https://x.org/pikg?v=1/"), 2,
         ("a base IRI with a query (?) or characters outside ASCII",)),
    Case("base-iri-not-ascii", ("build", "--out", "{ws}/out", "--base-iri", "https://x.org/pïkg/"), 2,
         ("a base IRI with a query (?) or characters outside ASCII", "percent-encode")),
    Case("base-iri-port-out-of-range", ("build", "--out", "{ws}/out", "--base-iri", "https://x.org:99999/pikg/"), 2,
         ("error: --base-iri 'https://x.org:99999/pikg/': expected an http:// or https:// URL without query or "
          "fragment (Port out of range 0-65535)",)),
    Case("release-keeps-their-files", ("build", "--out", "{ws}/out"), 0, ("Wrote",), _release_with_notes,
         after=_notes_kept, seconds=60),
    Case("site-keeps-their-files", ("site", "--out", "{ws}/site"), 0, ("Wrote",), _site_with_cname,
         after=_cname_kept, seconds=90),
    Case("old-release-keeps-their-files", ("build", "--out", "{ws}/out"), 0, ("Wrote",), _old_release_with_notes,
         after=_notes_kept, seconds=60),
    Case("old-site-keeps-their-files", ("site", "--out", "{ws}/site"), 0, ("Wrote",), _old_site_with_cname,
         after=_cname_kept, seconds=90),
]
