"""Hostile output paths: a command replaces only a folder or file it wrote itself (issue 11, items 1 and 12)."""

from __future__ import annotations

from pathlib import Path

from case import Case


def _project(ws: Path) -> None:
    (ws / "keep" / ".git").mkdir()
    (ws / "keep" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / "keep" / "thesis.tex").write_text("\\chapter{Results}\n")


def _file(name: str, text: str = "my notes\n"):
    def setup(ws: Path) -> None:
        _project(ws)
        (ws / "keep" / name).write_text(text)
    return setup


def _link(ws: Path) -> None:
    _project(ws)
    (ws / "link-out").symlink_to(ws / "keep")


def _file_link(ws: Path) -> None:
    (ws / "keep" / "notes.txt").write_text("precious\n")
    (ws / "keep" / "l.ttl").symlink_to(ws / "keep" / "notes.txt")


def _stale(ws: Path) -> None:
    stale = ws / ".out.new-zzz"
    stale.mkdir()
    (stale / ".pikg-output").write_text("pikg release\n")
    (stale / "pikg.nt").write_text("half\n")


def _stale_removed(ws: Path) -> None:
    assert not (ws / ".out.new-zzz").exists(), "a stale temporary folder of ours was left"
    assert (ws / "out" / "pikg.nt").is_file()


def _no_temporaries(ws: Path) -> None:
    left = [p.name for p in ws.iterdir() if p.name.startswith(".")]
    assert not left, left


NOT_OURS = ("is not a pikg release", "choose an empty or new folder")
CASES = [
    Case("out-is-the-project", ("build", "--out", "{ws}/keep"), 2, NOT_OURS, _project, after=_no_temporaries),
    Case("out-is-the-records", ("build", "--out", "{records}"), 2, NOT_OURS),
    Case("out-is-the-sources", ("release", "--out", "{sources}"), 2, NOT_OURS),
    Case("out-is-home", ("build", "--out", "{ws}"), 2, NOT_OURS, unchanged=("records", "sources", "keep", "cache")),
    Case("site-out-is-the-records", ("site", "--out", "{records}"), 2, ("is not a pikg site",)),
    Case("site-out-is-the-project", ("site", "--out", "{ws}/keep"), 2, ("is not a pikg site",), _project),
    Case("out-is-a-link", ("build", "--out", "{ws}/link-out"), 2, ("is a symbolic link",), _link),
    Case("out-inside-a-file", ("build", "--out", "{ws}/keep/thesis.tex/release"), 2, ("is not a folder",), _project),
    Case("export-over-a-file", ("export", "--format", "nt", "--output", "{ws}/keep/notes.ttl"), 2,
         ("was not written by this command", "--force"), _file("notes.ttl")),
    Case("export-over-a-link", ("export", "--output", "{ws}/keep/l.ttl", "--force"), 2, ("not a regular file",),
         _file_link),
    Case("schema-over-a-file", ("schema", "--output", "{ws}/keep/thesis.tex"), 2, ("was not written by this command",),
         _project),
    Case("import-table-over-a-record", ("import-table", "{inputs}/tables/table.csv", "--source-id", "x", "--text-file",
                                        "x.txt", "--out", "{records}/ips-recovery-abstract.yaml"), 2,
         ("ips-recovery-abstract.yaml exists", "--force")),
    Case("stale-temporary-removed", ("build", "--out", "{ws}/out"), 0, ("Wrote",), _stale, after=_stale_removed),
    # issue 25's second probe: options and environment values that gave a traceback or put a password in the release
    Case("download-base-with-password", ("build", "--out", "{ws}/out", "--download-base",
                                         "https://admin:hunter2@x.org/pikg/"), 2,
         ("error: download base 'https://***@x.org/pikg/': a user name or password in the URL would be written into "
          "the release; give the URL without them",), absent=("hunter2", "Traceback")),
    Case("download-base-bad-escape", ("build", "--out", "{ws}/out", "--download-base", "https://x.org/%ZZ/"), 2,
         ("error: download base 'https://x.org/%ZZ/': '%ZZ' is not a percent escape (% and two hexadecimal digits)",),
         absent=("Traceback",)),
    Case("download-base-unclosed-ipv6", ("build", "--out", "{ws}/out", "--download-base", "https://[::1/"), 2,
         ("error: download base 'https://[::1/': expected an http:// or https:// URL without query or fragment "
          "(Invalid IPv6 URL)",), absent=("Traceback",)),
    Case("download-base-port-out-of-range", ("build", "--out", "{ws}/out", "--download-base", "https://x.org:99999/"),
         2, ("(Port out of range 0-65535)",), absent=("Traceback",)),
    Case("source-date-epoch-past-9999", ("build", "--out", "{ws}/out"), 2,
         ("error: SOURCE_DATE_EPOCH='99999999999999999999': a date past the year 9999; expected the seconds since "
          "1970-01-01 of a day up to 9999-12-31",), env={"SOURCE_DATE_EPOCH": "99999999999999999999"},
         absent=("Traceback",)),
]
