"""Output folders and files: a command replaces only what it wrote itself (or an empty folder), cleans up after
itself on every exit path, and concurrent builds of one folder wait for each other (issue 11, items 1 and 12)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SEEDS
from kg.base.errors import OutputError
from kg.base.files import STAMP, folder_files, replace_folder
from kg.cli import cli


def _tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "thesis.tex").write_text("\\chapter{Results}\n")
    return project


def test_build_into_the_working_folder_is_refused_and_touches_nothing(run, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    before = _tree(project)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "--out", "."], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output == "error: . is not a pikg release; choose an empty or new folder\n"
    assert _tree(project) == before


@pytest.mark.parametrize("command", ["build", "release", "site"])
def test_a_folder_of_someone_elses_files_is_refused(run, tmp_path: Path, command: str) -> None:
    project = _project(tmp_path)
    before = _tree(project)
    result = run(command, "--out", "project")
    kind = "site" if command == "site" else "release"
    assert result.exit_code == 2
    assert result.output == f"error: project is not a pikg {kind}; choose an empty or new folder\n"
    assert _tree(project) == before
    assert [p.name for p in tmp_path.iterdir()] == ["project"]  # no temporary sibling either


def test_a_release_is_not_a_site_and_the_records_are_neither(run, tmp_path: Path) -> None:
    assert run("build", "--out", "out").exit_code == 0
    release = _tree(tmp_path / "out")
    result = run("site", "--out", "out")
    assert (result.exit_code, result.output) == (2, "error: out is not a pikg site; choose an empty or new folder\n")
    assert _tree(tmp_path / "out") == release
    records = tmp_path / "records"
    records.mkdir()
    (records / "mine.yaml").write_text("source: {}\n")
    result = run("site", "--out", "records")
    assert result.output == "error: records is not a pikg site; choose an empty or new folder\n"
    assert (records / "mine.yaml").read_text() == "source: {}\n"


def test_our_own_release_an_empty_folder_and_an_old_release_are_replaced(run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run("build", "--out", "empty").exit_code == 0
    stamp = (tmp_path / "empty" / STAMP).read_text().splitlines()
    assert stamp[0] == "pikg release"  # then what it wrote: every path below the folder
    assert stamp[1:] == sorted(p.relative_to(tmp_path / "empty").as_posix()
                               for p in (tmp_path / "empty").rglob("*") if p.name != STAMP)
    first = _tree(tmp_path / "empty")
    assert run("build", "--out", "empty").exit_code == 0
    assert _tree(tmp_path / "empty") == first
    description = (tmp_path / "empty" / "dataset.ttl").read_text(encoding="utf-8")
    assert STAMP not in description and "pikg.ttl" in description
    (tmp_path / "empty" / STAMP).unlink()  # a release written before folders were stamped
    assert run("build", "--out", "empty").exit_code == 0
    assert _tree(tmp_path / "empty") == first


def test_a_folder_with_a_copy_of_our_description_is_still_not_ours(run, tmp_path: Path) -> None:
    """Regression (second hostile probe): an unstamped folder holding our dataset.ttl beside a .git was replaced."""
    assert run("build", "--out", "out").exit_code == 0
    pub = tmp_path / "pub"
    (pub / ".git").mkdir(parents=True)
    (pub / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (pub / "dataset.ttl").write_bytes((tmp_path / "out" / "dataset.ttl").read_bytes())
    before = _tree(pub)
    result = run("build", "--out", "pub")
    assert (result.exit_code, result.output) == (2, "error: pub is not a pikg release; choose an empty or new folder\n")
    assert _tree(pub) == before


def test_a_site_replaces_its_own_site(run, tmp_path: Path) -> None:
    assert run("site", "--out", "public").exit_code == 0
    assert (tmp_path / "public" / STAMP).read_text().startswith("pikg site\n")
    assert run("site", "--out", "public").exit_code == 0


def test_files_others_put_into_an_output_folder_are_kept(run, tmp_path: Path) -> None:
    """Regression (issue 25's second probe): a CNAME, .nojekyll and .git in a site, notes and signatures in a
    release, were deleted by the next build with exit 0. They are carried into the new folder, unlisted."""
    theirs = {"site": {"CNAME": "pikg.example.org\n", ".nojekyll": "", ".git/HEAD": "ref: refs/heads/gh-pages\n",
                       "download/NOTES.md": "mine\n"},
              "release": {"NOTES.md": "# notes\n", "signatures/pikg.nt.asc": "-----BEGIN PGP SIGNATURE-----\n",
                          "nanopubs/README": "mine\n"}}
    for command, files in theirs.items():
        out = tmp_path / command
        assert run(command if command == "site" else "build", "--out", command).exit_code == 0
        ours = folder_files(out)
        for rel, text in files.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text)
        result = run(command if command == "site" else "build", "--out", command)
        assert result.exit_code == 0, result.output
        for rel, text in files.items():
            assert (out / rel).read_text() == text, rel
        assert folder_files(out) == ours  # the command's files: none of theirs
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_file_of_theirs_where_the_new_folder_writes_one_stops_the_replace(tmp_path: Path) -> None:
    out = tmp_path / "out"
    replace_folder(out, lambda folder: (folder / "a.txt").write_text("first"))
    (out / "b.txt").write_text("theirs")
    with pytest.raises(OutputError) as refused:
        replace_folder(out, lambda folder: [(folder / n).write_text("second") for n in ("a.txt", "b.txt")])
    assert str(refused.value) == (f"{out / 'b.txt'} was not written by kg, and this run writes a file of that name; "
                                  f"move it out of {out} and run again")
    assert {p.name: p.read_text() for p in out.iterdir() if p.name != STAMP} == {"a.txt": "first", "b.txt": "theirs"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_given_as_the_folder_is_refused(run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = run("build", "--out", "notes.txt")
    assert result.exit_code == 2
    assert result.output.endswith("Error: Invalid value for '-o' / '--out': Directory 'notes.txt' is a file.\n")
    with pytest.raises(OutputError, match=r"^notes\.txt is not a folder; choose an empty or new folder$"):
        replace_folder(Path("notes.txt"), lambda folder: None)
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_a_folder_whose_files_cannot_be_removed_is_refused_before_anything_is_written(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", "--out", "out").exit_code == 0
    before = _tree(tmp_path / "out")
    access = os.access  # root may write anywhere; ask as a user who may not write in out/
    monkeypatch.setattr(os, "access",
                        lambda path, mode: not (Path(path).name == "out" and mode & os.W_OK) and access(path, mode))
    result = run("build", "--out", "out")
    assert result.exit_code == 2
    assert result.output == ("error: out cannot be replaced: out is not writable, so its files could not be "
                             "removed\n")
    assert _tree(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(("args", "ours"), [
    (("export", "--format", "nt", "--output", "graph.nt"), False),
    (("schema", "--output", "graph.nt"), False),
])
def test_a_file_that_is_not_ours_needs_force(run, tmp_path: Path, args: tuple[str, ...], ours: bool) -> None:
    (tmp_path / "graph.nt").write_text("my own notes\n")
    result = run(*args)
    assert result.exit_code == 2
    assert result.output == ("error: graph.nt exists and was not written by this command; choose a new file or "
                             "pass --force to overwrite it\n")
    assert (tmp_path / "graph.nt").read_text() == "my own notes\n"
    assert run(*args, "--force").exit_code == 0
    assert (tmp_path / "graph.nt").read_text() != "my own notes\n"


def test_schema_replaces_its_own_schema(run, tmp_path: Path) -> None:
    assert run("schema", "--output", "record.schema.json").exit_code == 0
    assert run("schema", "--output", "record.schema.json").exit_code == 0
    (tmp_path / "other.json").write_text(json.dumps({"$id": "https://example.org/other"}))
    assert run("schema", "--output", "other.json").exit_code == 2


def test_a_folder_or_link_is_never_an_output_file(run, tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("precious\n")
    (tmp_path / "link.nt").symlink_to(tmp_path / "target.txt")
    result = run("export", "--format", "nt", "--output", "link.nt", "--force")
    assert (result.exit_code, result.output) == (2, "error: link.nt is not a regular file; choose a new file name\n")
    assert (tmp_path / "target.txt").read_text() == "precious\n"


def test_stale_temporaries_of_ours_are_removed_and_others_kept(kg, tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale_new = tmp_path / ".out.new-abc123"  # a killed build's half-written folder (stamped first)
    stale_new.mkdir()
    (stale_new / STAMP).write_text("pikg release\n")
    (stale_new / "pikg.nt").write_text("<a> <b> <c> .\n")
    stale_old = tmp_path / ".out.old-def456"  # its removal cut short: the stamp goes last
    (stale_old / "interventions").mkdir(parents=True)
    (stale_old / STAMP).write_text("pikg release\n")
    foreign = tmp_path / ".out.new-mine"  # someone else's folders with names like ours
    foreign.mkdir()
    (foreign / "keep.txt").write_text("keep\n")
    (tmp_path / ".out.old-empty").mkdir()
    replace_folder(out, lambda folder: (folder / "a.txt").write_text("new\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.new-mine", ".out.old-empty", "out"]
    assert (foreign / "keep.txt").read_text() == "keep\n"


def _fill_slowly(out: str) -> int:
    def fill(folder: Path) -> None:
        (folder / "a.txt").write_text(str(os.getpid()))
        time.sleep(0.2)

    replace_folder(Path(out), fill)
    return len(folder_files(Path(out)))


def test_concurrent_builds_of_one_folder_wait_for_each_other(tmp_path: Path) -> None:
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_fill_slowly, [str(tmp_path / "out")] * 6))
    assert results == [1] * 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sigterm_removes_the_temporary_folder(tmp_path: Path) -> None:
    """kg's SIGTERM handler ends the command through every `finally`: the half-written folder goes."""
    script = textwrap.dedent(f"""
        import os, signal, time
        from pathlib import Path
        from kg.cli.common import _stop
        from kg.base.files import replace_folder
        signal.signal(signal.SIGTERM, _stop)
        def fill(folder):
            (folder / "part.nt").write_text("x")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        replace_folder(Path({str(tmp_path / 'out')!r}), fill)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=30)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_helper_process_dies_with_its_parent(tmp_path: Path) -> None:
    """A SIGKILLed build cannot clean up; the helper it started is killed by the kernel with it."""
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import subprocess, sys, time
        from kg.release.folder import die_with_parent
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=die_with_parent)
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        for _ in range(100):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        child = int(pid_file.read_text())
        parent.kill()
        parent.wait(10)
        for _ in range(100):
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the child outlived its parent")
    finally:
        parent.kill()


def test_build_writes_no_stamp_into_the_listing(run, tmp_path: Path) -> None:
    result = run("build", "--out", "out", "--sources", str(SEEDS))
    assert result.exit_code == 0
    assert STAMP not in result.output


def test_replace_folder_returns_what_its_fill_returns(tmp_path: Path) -> None:
    """No outcome lists, no exception for control flow: the caller gets the fill's value."""
    assert replace_folder(tmp_path / "out", lambda folder: (folder / "a.txt").write_text("abc")) == 3
    assert folder_files(tmp_path / "out") == {"a.txt": tmp_path / "out" / "a.txt"}
