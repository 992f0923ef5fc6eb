"""Record-file YAML as `kg import-table` writes it: PyYAML's output, byte for byte, in a fraction of its time.

PyYAML's emitter is the reference (`library`): whatever a cell holds (a newline, a colon, `#`, quotes) stays a
value and can never become a key, a comment or a new record. But it makes Python objects per node and its
pure-Python emitter reads every character in Python: 100,000 findings took a minute. So `emit` walks the few
shapes a record file has (block mappings of mappings, one-line lists and `Flow` mappings, text, booleans, whole
numbers) itself, and writes each distinct string as the library would: a printable one on one line, plain where
the library's analysis allows it (PyYAML's Emitter.analyze_scalar, restated in `_plain` for text without line
breaks or special characters, and its resolver, which quotes what would read back as a number, a boolean, a null
or a date), else single-quoted; any other string (a line break, a control character: double-quoted with escapes)
is asked of the library, all of them in one call of libyaml's C emitter (PyYAML's own for a character beyond
the Basic Multilingual Plane, which libyaml escapes and PyYAML does not; PyYAML's for all without libyaml). A key
the library would not write as a simple key (empty, long, or not printable), a value of another type, or an
answer that does not read back line for line, and the whole document is the library's. tests/test_tables.py
holds the two outputs equal on fuzzed documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

LONG_KEY = 100  # shorter than the library's limit of a simple key (123 characters)


class Flow(dict):
    """A field's value with its quote, written on one line as curators write it: `{value: true, quote: …}`."""


class _InFlow(list):
    """A list written in flow style by the batch dumpers: its string is rendered as inside a flow collection."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe emitter: records in block style, lists and Flow mappings on one line, text with a line
    break or a control character double-quoted with escapes (one line, never a block scalar)."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = None if text.isprintable() else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(list, lambda d, items: d.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True))
_Dumper.add_representer(Flow, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m, flow_style=True))
_Dumper.add_representer(str, _text)


def _batch_dumper(base: type[yaml.SafeDumper] | type[yaml.CSafeDumper]) -> type[yaml.SafeDumper]:
    """A dumper for a block list of strings (each written as a block value) and of `_InFlow` lists (each string
    written as inside a flow collection), with the record files' rule for strings."""
    dumper: type[yaml.SafeDumper] = type(f"_Batch{base.__name__}", (base,), {})
    dumper.add_representer(_InFlow, lambda d, items: d.represent_sequence("tag:yaml.org,2002:seq", items,
                                                                          flow_style=True))
    dumper.add_representer(str, _text)
    return dumper


_PYTHON_BATCH = _batch_dumper(yaml.SafeDumper)
_C_BATCH = _batch_dumper(yaml.CSafeDumper) if yaml.__with_libyaml__ else None
_OPTIONS: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "default_flow_style": False, "width": 1 << 30}


def library(data: Any) -> str:
    """The document as PyYAML's own emitter writes it: the reference."""
    return yaml.dump(data, Dumper=_Dumper, **_OPTIONS)


class _Unsupported(Exception):
    """What `emit` leaves to the library."""


def emit(data: dict[str, Any]) -> str:
    """The document as `library` writes it."""
    try:
        return _Writer(data).text()
    except _Unsupported:
        return library(data)


_WIDE = re.compile("[\U00010000-\U0010FFFF]")  # beyond the Basic Multilingual Plane


# PyYAML's Emitter.analyze_scalar on printable text without line breaks: where a plain scalar is not allowed in
# block context (an indicator first, `: ` or ` #` inside, a space at either end, a document marker first), and
# what flow context refuses besides (`,?[]{}:` anywhere)
_NOT_PLAIN_BLOCK = re.compile(r"^(?:[-?:](?: |$)|[#,\[\]{}&*!|>'\"%@`]|---|\.\.\.| )|: |:$| #| $")
_NOT_PLAIN_FLOW = re.compile(r"[,?\[\]{}:]")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def _plain(text: str, flow: bool) -> bool:
    """Whether the library writes printable one-line text plain: its analysis allows it and its resolver reads it
    back as text (not 12, yes, null, 2017-05-04 or ~)."""
    if _NOT_PLAIN_BLOCK.search(text) or (flow and _NOT_PLAIN_FLOW.search(text)):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR


class _Writer:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.block: dict[str, str] = {}
        self.flow: dict[str, str] = {}
        if not data:
            raise _Unsupported
        self._collect(data, flow=False)
        self._render(self.block, flow=False)
        self._render(self.flow, flow=True)

    def _collect(self, value: Any, flow: bool) -> None:
        """Every string to be written, in block or in flow context; anything emit does not write is refused."""
        strings = self.flow if flow else self.block
        if isinstance(value, dict):
            inner = flow or type(value) is Flow
            for key, item in value.items():
                if type(key) is not str or len(key) >= LONG_KEY or not key.isprintable() or not key:
                    raise _Unsupported
                strings[key] = ""
                if type(item) is str:
                    (self.flow if inner else self.block)[item] = ""
                elif type(item) is not bool:
                    self._collect(item, inner or type(item) in (Flow, list))
        elif isinstance(value, list):
            for item in value:
                if type(item) is str:
                    self.flow[item] = ""
                elif type(item) is not bool:
                    self._collect(item, True)
        elif type(value) is str:
            strings[value] = ""
        elif type(value) is not int:
            raise _Unsupported

    def _render(self, strings: dict[str, str], flow: bool) -> None:
        """How the library writes each string: plain or single-quoted here, the rest by the library."""
        asked = []
        for text in strings:
            if text and text.isprintable():
                strings[text] = text if _plain(text, flow) else "'" + text.replace("'", "''") + "'"
            else:
                asked.append(text)
        for dumper, chosen in ((_C_BATCH or _PYTHON_BATCH, [s for s in asked if not _WIDE.search(s)]),
                               (_PYTHON_BATCH, [s for s in asked if _WIDE.search(s)])):
            if not chosen:
                continue
            items = [_InFlow([s]) for s in chosen] if flow else chosen
            lines = yaml.dump(items, Dumper=dumper, **_OPTIONS).split("\n")
            if len(lines) != len(chosen) + 1 or lines[-1]:
                raise _Unsupported  # a string written over several lines: not expected, never guessed at
            head, tail = ("- [", "]") if flow else ("- ", "")
            for text, line in zip(chosen, lines, strict=False):
                if not line.startswith(head) or not line.endswith(tail):
                    raise _Unsupported
                strings[text] = line[len(head):len(line) - len(tail)]

    def text(self) -> str:
        out: list[str] = []
        self._mapping(self.data, "", out)
        return "".join(out)

    def _mapping(self, mapping: dict[str, Any], pad: str, out: list[str]) -> None:
        block = self.block
        for key, value in mapping.items():
            kind = type(value)
            if kind is str:
                out.append(f"{pad}{block[key]}: {block[value]}\n")
            elif kind is Flow or kind is list or (kind is dict and not value):
                out.append(f"{pad}{block[key]}: {self._flow(value)}\n")
            elif kind is dict:
                out.append(f"{pad}{block[key]}:\n")
                self._mapping(value, pad + "  ", out)
            else:
                out.append(f"{pad}{block[key]}: {self._scalar(value, block)}\n")

    def _flow(self, value: Any) -> str:
        flow = self.flow
        if isinstance(value, dict):
            return "{" + ", ".join([f"{flow[k]}: {flow[v] if type(v) is str else self._flow(v)}"
                                    for k, v in value.items()]) + "}"
        if isinstance(value, list):
            return "[" + ", ".join([flow[v] if type(v) is str else self._flow(v) for v in value]) + "]"
        return self._scalar(value, flow)

    @staticmethod
    def _scalar(value: Any, rendered: dict[str, str]) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return str(rendered[value])
