"""Hostile source-text names and quotes (issue 11, items 2 and 3): a record file may name any file as its text
(`source.text_file`, `quote_in`); only regular UTF-8 files inside the sources folder are read, and a wrong quote's
hint never shows anything else (the planted secrets must not appear); a long wrong quote is answered quickly."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path

from case import Case

CHECK = ("check", "--records", "{records}", "--sources", "{sources}")
BUILD = ("build", "--records", "{records}", "--sources", "{sources}", "--out", "{ws}/out")
VALIDATE = ("validate", "--records", "{records}", "--sources", "{sources}")

RECORD = "ips-recovery-abstract.yaml"
TEXT_FILE = "  text_file: 002_d349a9c6d7cd556c.txt\n"
TITLE = "Personal and clinical recovery with the individual placement and support intervention in Denmark"
SOURCE_QUOTE = f'  quote: "{TITLE}"\n'
PUBLICATION = f'  ips-recovery-abstract-2017:\n    quote: "{TITLE}"\n'
VALUE = 'type: {value: conference-abstract, quote: "Conference abstract for conference"}'

SECRET = "s3cr3t-7731"  # in ws/keep/secret.txt, outside the sources folder
NEAR_SECRET = "Personal and clinical recovery KG_ENDPOINT_TOKEN=s3cr3t-7732 in Denmark"  # a quote one slip away
ENV_SECRET = "s3cr3t-env-4242"
PASSWD = "root:x:0:0:"
OUTSIDE = "is not a file name inside the sources folder"
Setup = Callable[[Path], None]


def _replace(ws: Path, old: str, new: str) -> None:
    path = ws / "records" / RECORD
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _plant(ws: Path) -> None:
    (ws / "keep" / "secret.txt").write_text(f"Personal and clinical recovery KG_ENDPOINT_TOKEN={SECRET} in Denmark\n",
                                            encoding="utf-8")


def _text_file(name: str | Callable[[Path], str], quote: str = NEAR_SECRET, *before: Setup) -> Setup:
    """Plant the secret, run `before`, then make the abstract's source name `name` as its text (a JSON string is
    a YAML double-quoted one) and quote something one slip away from the secret."""
    def setup(ws: Path) -> None:
        _plant(ws)
        for step in before:
            step(ws)
        given = name(ws) if callable(name) else name
        _replace(ws, TEXT_FILE, f"  text_file: {json.dumps(given)}\n")
        _replace(ws, SOURCE_QUOTE, f"  quote: {json.dumps(quote)}\n")
    return setup


def _record_quote_in(name: str, *before: Setup) -> Setup:
    def setup(ws: Path) -> None:
        _plant(ws)
        for step in before:
            step(ws)
        _replace(ws, PUBLICATION, f"{PUBLICATION}    quote_in: {json.dumps(name)}\n")
        _replace(ws, f'    quote: "{TITLE}"\n    quote_in', f"    quote: {json.dumps(NEAR_SECRET)}\n    quote_in")
    return setup


def _value_quote_in(name: str, quote: str, *before: Setup) -> Setup:
    def setup(ws: Path) -> None:
        _plant(ws)
        for step in before:
            step(ws)
        _replace(ws, VALUE, f"type: {{value: conference-abstract, quote: {json.dumps(quote)}, "
                            f"quote_in: {json.dumps(name)}}}")
    return setup


def _link(name: str, target: str | Callable[[Path], Path]) -> Setup:
    def setup(ws: Path) -> None:
        (ws / "sources" / name).symlink_to(target(ws) if callable(target) else target)
    return setup


def _fifo(ws: Path) -> None:
    os.mkfifo(ws / "sources" / "pipe.txt")


def _folder(ws: Path) -> None:
    (ws / "sources" / "folder.txt").mkdir()


def _latin1(ws: Path) -> None:
    (ws / "sources" / "latin1.txt").write_bytes("Personal and clinical recovery in K\u00f8benhavn\n".encode("latin-1"))


def _prose(size: int) -> str:
    """Deterministic made-up prose: lower-case words, spaces and full stops (safe inside a YAML "…" string)."""
    rnd = random.Random(11)
    vocab = ["".join(rnd.choice("etaoinshrdlcumwfgypb") for _ in range(rnd.randint(1, 10))) for _ in range(3000)]
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rnd.choices(vocab, weights, k=rnd.randint(5, 25))) + ". "
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)[:size]


def _long_wrong_quote(ws: Path) -> None:
    """A 1 MB text and a 10,000-character quote of it with one character wrong in the middle."""
    text = _prose(1_000_000)
    (ws / "sources" / "big.txt").write_text(text, encoding="utf-8")
    start = text.index(" ", 400_000) + 1
    quote = text[start : start + 10_000]
    wrong = quote[:5000] + ("#" if quote[5000] != "#" else "%") + quote[5001:]
    assert wrong == wrong.strip()
    _replace(ws, TEXT_FILE, "  text_file: big.txt\n")
    _replace(ws, SOURCE_QUOTE, f'  quote: "{wrong}"\n')


def _no_out(ws: Path) -> None:
    assert not (ws / "out").exists(), "a release was written from records naming a refused source text"


def _secret_path(ws: Path) -> str:
    return str(ws / "keep" / "secret.txt")


CASES = [
    Case("quote-text-file-absolute", CHECK, 2, ("source.text_file", OUTSIDE, "an absolute path", "sources"),
         _text_file(_secret_path), absent=(SECRET,)),
    Case("quote-text-file-proc-environ", CHECK, 2, ("'/proc/self/environ'", OUTSIDE, "an absolute path"),
         _text_file("/proc/self/environ", f"KG_ENDPOINT_TOKEN={ENV_SECRET[:-1]}3"),
         env={"KG_ENDPOINT_TOKEN": ENV_SECRET}, absent=(ENV_SECRET,)),
    Case("quote-text-file-etc-passwd-build", BUILD, 2, ("'/etc/passwd'", OUTSIDE),
         _text_file("/etc/passwd", "root:x:0:1:root"), absent=(PASSWD,), after=_no_out),
    Case("quote-text-file-dotdot", CHECK, 2, ("'../keep/secret.txt'", OUTSIDE, "goes up with '..'"),
         _text_file("../keep/secret.txt"), absent=(SECRET,)),
    Case("quote-text-file-dotdot-deep", BUILD, 2, ("sub/../../keep/secret.txt", "goes up with '..'"),
         _text_file("sub/../../keep/secret.txt"), absent=(SECRET,), after=_no_out),
    Case("quote-text-file-symlink-out", VALIDATE, 2, ("'linked.txt'", OUTSIDE, "symbolic link leading out"),
         _text_file("linked.txt", NEAR_SECRET, _link("linked.txt", lambda ws: ws / "keep" / "secret.txt")),
         absent=(SECRET,)),
    Case("quote-text-file-symlinked-folder-out", CHECK, 2, ("'up/secret.txt'", "symbolic link leading out"),
         _text_file("up/secret.txt", NEAR_SECRET, _link("up", lambda ws: ws / "keep")), absent=(SECRET,)),
    Case("quote-text-file-dev-zero-link", CHECK, 2, ("'zero.txt'", OUTSIDE),
         _text_file("zero.txt", "anything", _link("zero.txt", "/dev/zero")), seconds=10),
    Case("quote-text-file-fifo", CHECK, 2, ("source.text_file", "'pipe.txt' is a named pipe (FIFO)"),
         _text_file("pipe.txt", NEAR_SECRET, _fifo), seconds=10),
    Case("quote-text-file-fifo-build", BUILD, 2, ("named pipe",), _text_file("pipe.txt", NEAR_SECRET, _fifo),
         seconds=10, after=_no_out),
    Case("quote-text-file-folder", CHECK, 2, ("'folder.txt' is a folder, not a text file",),
         _text_file("folder.txt", NEAR_SECRET, _folder)),
    Case("quote-text-file-nul-byte", CHECK, 2, ("source.text_file",),  # refused by the loader or by the resolver
         _text_file("002_d349a9c6d7cd556c.txt\u0000.png")),
    Case("quote-text-not-utf8", CHECK, 2, ("source.text_file", "'latin1.txt' is not UTF-8 text", "save it as UTF-8"),
         _text_file("latin1.txt", "Personal and clinical recovery", _latin1)),
    Case("quote-record-quote-in-dotdot", CHECK, 2,
         ("publications.ips-recovery-abstract-2017.quote_in", "'../keep/secret.txt'", "goes up with '..'"),
         _record_quote_in("../keep/secret.txt"), absent=(SECRET,)),
    Case("quote-value-quote-in-etc-passwd", VALIDATE, 2,
         ("publications.ips-recovery-abstract-2017.type.quote_in", "'/etc/passwd'", "an absolute path"),
         _value_quote_in("/etc/passwd", "root:x:0:1:root"), absent=(PASSWD,)),
    Case("quote-value-quote-in-symlink-out", CHECK, 2, ("type.quote_in", "'passwd.txt'", "symbolic link leading out"),
         _value_quote_in("passwd.txt", "root:x:0:1:root", _link("passwd.txt", "/etc/passwd")), absent=(PASSWD,)),
    Case("quote-value-quote-in-fifo", CHECK, 2, ("type.quote_in", "named pipe"),
         _value_quote_in("pipe.txt", "Conference abstract for conference", _fifo), seconds=10),
    Case("quote-long-wrong-quote-1mb-text", CHECK, 2,
         ("quote not found verbatim in big.txt", "(10000 characters)", "first differ at character 5001"),
         _long_wrong_quote, seconds=10),
    Case("quote-missing-text-is-skipped", CHECK, 0, ("OK:", "NOT checked: not-there.txt"),
         _text_file("not-there.txt", "Personal and clinical recovery")),
]
