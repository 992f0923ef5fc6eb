"""Source texts are read only inside the sources folder, the closest-passage hint is bounded and quotes only a
declared source text, and `kg check` never vouches for a file edited while it ran (issue 11, items 2 to 4)."""

from __future__ import annotations

import os
import random
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURE_SOURCES, FIXTURES, quotes_of
from kg.base.config import Settings
from kg.base.errors import QuoteError, RecordError
from kg.cli import cli
from kg.incremental import recheck
from kg.load.quotes import (
    SHOWN,
    WORD_MAX,
    SourceTextError,
    closest_passage,
    file_stamp,
    normalise,
    same_stamp,
    source_text_path,
)
from kg.model.build import build

SECRET = "KG_ENDPOINT_TOKEN=s3cr3t-do-not-print"
VALID = FIXTURES / "records" / "valid" / "fixture.yaml"
OUTSIDE = "is not a file name inside the sources folder"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture()
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/records (the valid fixture), tmp/sources (its texts) and tmp/secret.txt beside them; the working
    directory is tmp, so that messages name records/… and sources."""
    (tmp_path / "records").mkdir()
    shutil.copy(VALID, tmp_path / "records" / "fixture.yaml")
    shutil.copytree(FIXTURE_SOURCES, tmp_path / "sources")
    (tmp_path / "secret.txt").write_text(f"Intervention X (IX) helps people {SECRET}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(place: Path) -> None:
    build(Settings.default(Path("records"), Path("sources")))


def _within(seconds: float, call: Callable[[], None]) -> BaseException | None:
    """Run `call` on a thread and return what it raised; fail if it is still running after `seconds` (a FIFO
    opened for reading would block for ever)."""
    raised: list[BaseException | None] = [None]

    def run() -> None:
        try:
            call()
        except BaseException as exc:
            raised[0] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return raised[0]


def _refused(place: Path, text_file: str) -> str:
    """The message for the valid fixture with `source.text_file` set to `text_file` (line 5)."""
    _edit(place / "records" / "fixture.yaml", "text_file: fixture-source.txt", f"text_file: {text_file!r}")
    error = _within(10, lambda: _build(place))
    assert type(error) is RecordError, error
    assert SECRET not in str(error)
    return str(error)


# ------------------------------------------------------------------------------------------ names


def test_an_absolute_text_file_is_refused(place: Path) -> None:
    assert _refused(place, str(place / "secret.txt")) == (
        f"records/fixture.yaml:5: source.text_file: {str(place / 'secret.txt')!r} is not a file name inside the "
        "sources folder (an absolute path); give the name of a file in sources")


def test_proc_self_environ_is_refused_without_reading_it(place: Path) -> None:
    assert _refused(place, "/proc/self/environ") == (
        "records/fixture.yaml:5: source.text_file: '/proc/self/environ' is not a file name inside the sources "
        "folder (an absolute path); give the name of a file in sources")


@pytest.mark.parametrize("name", ["../secret.txt", "sub/../../secret.txt", "..", "./../sources/fixture-source.txt"])
def test_a_name_going_up_is_refused(place: Path, name: str) -> None:
    assert _refused(place, name) == (
        f"records/fixture.yaml:5: source.text_file: {name!r} is not a file name inside the sources folder "
        "(it goes up with '..'); give the name of a file in sources")


def test_a_symbolic_link_leading_out_is_refused(place: Path) -> None:
    (place / "sources" / "linked.txt").symlink_to(place / "secret.txt")
    assert _refused(place, "linked.txt") == (
        "records/fixture.yaml:5: source.text_file: 'linked.txt' is not a file name inside the sources folder "
        "(a symbolic link leading out of the folder); give the name of a file in sources")


def test_a_folder_linked_from_outside_is_refused_too(place: Path) -> None:
    (place / "sources" / "up").symlink_to(place)
    assert _refused(place, "up/secret.txt").endswith("'up/secret.txt' is not a file name inside the sources folder "
                                                     "(a symbolic link leading out of the folder); give the name of "
                                                     "a file in sources")


def test_a_fifo_named_as_a_source_text_is_refused_without_blocking(place: Path) -> None:
    os.mkfifo(place / "sources" / "pipe.txt")
    assert _refused(place, "pipe.txt") == (
        "records/fixture.yaml:5: source.text_file: 'pipe.txt' is a named pipe (FIFO), not a text file; give the "
        "name of a text file in sources")


def test_a_folder_named_as_a_source_text_is_refused(place: Path) -> None:
    (place / "sources" / "folder.txt").mkdir()
    assert _refused(place, "folder.txt") == (
        "records/fixture.yaml:5: source.text_file: 'folder.txt' is a folder, not a text file; give the name of a "
        "text file in sources")


def test_a_device_named_as_a_source_text_is_refused(place: Path) -> None:
    (place / "sources" / "zero.txt").symlink_to("/dev/zero")  # leads out before it is a device
    assert OUTSIDE in _refused(place, "zero.txt")
    with pytest.raises(SourceTextError) as info:  # a sources folder that holds devices
        source_text_path(Path("/dev"), "zero")
    assert info.value.problem == "'zero' is a device, not a text file; give the name of a text file in /dev"


def test_a_text_that_is_not_utf8_is_one_line(place: Path) -> None:
    (place / "sources" / "fixture-source.txt").write_bytes(b"Intervention X (IX) caf\xe9 helps\n")
    error = _within(10, lambda: _build(place))
    assert type(error) is RecordError
    assert str(error) == ("records/fixture.yaml:5: source.text_file: 'fixture-source.txt' is not UTF-8 text "
                          "(invalid continuation byte at byte 23); save it as UTF-8")


def test_quote_in_names_are_refused_at_their_field(place: Path) -> None:
    record = place / "records" / "fixture.yaml"
    _edit(record, '    quote: "Intervention X (IX)"\n    name:',
          '    quote: "Intervention X (IX)"\n    quote_in: ../secret.txt\n    name:')
    with pytest.raises(RecordError) as info:
        _build(place)
    assert str(info.value) == (
        "records/fixture.yaml:12: interventions.ix.quote_in: '../secret.txt' is not a file name inside the "
        "sources folder (it goes up with '..'); give the name of a file in sources")


def test_a_value_quote_in_is_refused_at_its_field(place: Path) -> None:
    record = place / "records" / "fixture.yaml"
    _edit(record, 'quote: "Duration: Nine months."}',
          f'quote: "Duration: Nine months.", quote_in: {place}/secret.txt}}')
    with pytest.raises(RecordError) as info:
        _build(place)
    assert str(info.value) == (
        f"records/fixture.yaml:17: interventions.ix.duration.quote_in: '{place}/secret.txt' is not a file name "
        "inside the sources folder (an absolute path); give the name of a file in sources")


def test_names_inside_the_folder_still_work(place: Path) -> None:
    """A subfolder and a link that stays inside are fine; a missing text is still skipped and reported."""
    (place / "sources" / "sub").mkdir()
    (place / "sources" / "sub" / "copy.txt").write_text("Intervention X (IX) in a subfolder.", encoding="utf-8")
    (place / "sources" / "alias.txt").symlink_to("fixture-source.txt")
    record = place / "records" / "fixture.yaml"
    _edit(record, "text_file: fixture-source.txt", "text_file: alias.txt")
    _edit(record, '    quote: "Intervention X (IX)"\n    name:',
          '    quote: "Intervention X (IX) in a subfolder."\n    quote_in: sub/copy.txt\n    name:')
    kg = build(Settings.default(Path("records"), Path("sources")))
    assert (kg.quotes.checked, kg.quotes.missing_texts) == (quotes_of(record), ())
    _edit(record, "text_file: alias.txt", "text_file: not-there.txt")
    kg = build(Settings.default(Path("records"), Path("sources")))
    assert kg.quotes.missing_texts == ("not-there.txt",)


def test_names_are_checked_even_without_a_sources_folder() -> None:
    with pytest.raises(SourceTextError, match="an absolute path"):
        source_text_path(None, "/etc/passwd")
    with pytest.raises(SourceTextError, match="NUL"):
        source_text_path(None, "a\0b")
    assert source_text_path(None, "fine.txt") is None


@pytest.mark.parametrize("text_file", ["/{place}/secret.txt", "../secret.txt", "linked.txt"])
def test_kg_check_never_prints_a_file_outside_the_sources_folder(place: Path, text_file: str) -> None:
    """The wrong quote is close to the secret file's text: were it read, the hint would print the secret."""
    (place / "sources" / "linked.txt").symlink_to(place / "secret.txt")
    record = place / "records" / "fixture.yaml"
    _edit(record, "text_file: fixture-source.txt", f"text_file: {text_file.format(place=place)}")
    _edit(record, 'quote: "Intervention X (IX)"\n\n', 'quote: "Intervention X (IX) helps people KG_ENDPOINT"\n\n')
    result = CliRunner().invoke(cli, ["check", "--records", "records", "--sources", "sources"])
    assert result.exit_code == 2, result.output
    assert OUTSIDE in result.output and "records/fixture.yaml:5: source.text_file:" in result.output
    assert "s3cr3t" not in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------------------------------ the hint


def _prose(size: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    vocab = ["".join(rnd.choice("etaoinshrdlcumwfgy") for _ in range(rnd.randint(1, 9))) for _ in range(2000)]
    words: list[str] = []
    while sum(map(len, words)) + len(words) < size:
        words.extend(rnd.choices(vocab, k=50))
        words[-1] += ".\n"
    return " ".join(words)


def test_the_hint_for_a_one_character_slip_in_a_long_text_is_the_passage() -> None:
    text = normalise(_prose(300_000))
    start = text.index(" ", 150_000) + 1
    passage = text[start : start + 500]
    end = start + 500
    while text[end].isalnum():
        end += 1
    quote = passage[:250] + "#" + passage[251:]
    assert closest_passage(quote, text) == text[start:end]
    short = text[start : start + 40]
    assert closest_passage(short[:20] + "#" + short[21:], text).startswith(short[:20])


def test_a_long_wrong_quote_is_shown_cut_with_its_first_difference(place: Path) -> None:
    text = normalise(_prose(50_000))
    (place / "sources" / "fixture-source.txt").write_text(text, encoding="utf-8")
    start = text.index(" ", 20_000) + 1
    quote = text[start : start + 2000]
    wrong = quote[:1000] + "#" + quote[1001:]
    record = place / "records" / "fixture.yaml"
    record.write_text(f'source:\n  id: fixture\n  label: L\n  text_file: fixture-source.txt\n  quote: "{wrong}"\n',
                      encoding="utf-8")
    with pytest.raises(QuoteError) as info:
        _build(place)
    problem = info.value.problem
    assert problem.startswith(f"quote not found verbatim in fixture-source.txt: {wrong[: SHOWN - 1] + '…'!r} "
                              "(2000 characters); the closest passage is ")
    assert f"they first differ at character 1001 of the quote: {wrong[970:1030]!r} where the source has " \
           f"{quote[970:1030]!r}" in problem
    assert len(problem) < 2 * SHOWN + 400


def test_the_hint_is_never_longer_than_the_quote_and_a_word() -> None:
    text = "a" * 5000 + " " + "b" * 100_000
    for quote in ("a" * 10 + "#", "b" * 30 + "#", "x" * 600):
        assert len(closest_passage(quote, text)) <= len(quote) + WORD_MAX
    assert closest_passage("bb#", "") == ""


# ------------------------------------------------------------------------------------------ kg check and edits


def test_a_stamp_of_a_file_modified_just_now_vouches_for_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_text("x")
    fresh = file_stamp(path.stat())
    assert fresh == (-1, 1) and not same_stamp(fresh, fresh)
    os.utime(path, ns=(10**18, 10**18))
    assert same_stamp(file_stamp(path.stat()), (10**18, 1))


def _during(monkeypatch: pytest.MonkeyPatch, name: str, edit: Callable[[], None]) -> None:
    """Make recheck's `name` (a step after the files were read) edit a file first."""
    real = getattr(recheck, name)

    def edit_then_run(*args: object, **kwargs: object) -> object:
        edit()
        monkeypatch.setattr(recheck, name, real)
        return real(*args, **kwargs)

    monkeypatch.setattr(recheck, name, edit_then_run)


DURATION = "quote not found verbatim in fixture-third-source.txt: 'which lasted tw{} years'"


@pytest.mark.parametrize("where", ["record", "text"])
def test_a_file_edited_during_a_full_check_shows_in_the_next(corpus: tuple[Path, Path], where: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The edit keeps the size and lands within the same clock tick, yet the next check reports it."""
    records, texts = corpus
    settings = Settings.default(records, texts)
    third = records / "fixture-third-source.yaml"
    path = third if where == "record" else texts / "fixture-third-source.txt"
    _during(monkeypatch, "check_graph", lambda: _edit(path, "which lasted two years", "which lasted twa years"))
    assert recheck.check(settings).report.conforms  # what it read was right
    with pytest.raises(QuoteError) as info:
        recheck.check(settings)
    assert str(info.value).startswith(f"{third}:20: interventions.ips.duration: "
                                      + DURATION.format("a" if where == "record" else "o"))


@pytest.mark.parametrize("where", ["record", "text"])
def test_a_file_edited_during_a_quick_check_shows_in_the_next(corpus: tuple[Path, Path], where: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    records, texts = corpus
    settings = Settings.default(records, texts)
    third = records / "fixture-third-source.yaml"
    path = third if where == "record" else texts / "fixture-third-source.txt"
    recheck.check(settings)
    _edit(third, "    sample_size: 20\n",
          "    sample_size: 20\n    country: {value: Denmark, quote: \"In this made-up study\"}\n")
    _during(monkeypatch, "build_files", lambda: _edit(path, "which lasted two years", "which lasted twa years"))
    monkeypatch.setattr(recheck, "_full", lambda *args: pytest.fail("a full check ran"))
    assert recheck.check(settings).report.conforms
    with pytest.raises(QuoteError) as info:
        recheck.check(settings)
    assert str(info.value).startswith(f"{third}:20: interventions.ips.duration: "
                                      + DURATION.format("a" if where == "record" else "o"))


def test_a_text_replaced_by_a_link_out_after_a_check_is_refused(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    records, texts = corpus
    settings = Settings.default(records, texts)
    recheck.check(settings)
    secret = tmp_path / "secret.txt"
    secret.write_text((texts / "fixture-third-source.txt").read_text(encoding="utf-8") + SECRET, encoding="utf-8")
    (texts / "fixture-third-source.txt").unlink()
    (texts / "fixture-third-source.txt").symlink_to(secret)
    with pytest.raises(RecordError) as info:
        recheck.check(settings)
    assert str(info.value) == (
        f"{records / 'fixture-third-source.yaml'}:6: source.text_file: 'fixture-third-source.txt' is not a file "
        f"name inside the sources folder (a symbolic link leading out of the folder); give the name of a file in "
        f"{texts}")
