"""The package's shape (issue 12): one folder a pipeline stage, imports only going down the pipeline, no import
cycle, no private name taken from another module, and every module listed in README's layout table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "kg"
STAGES = ["base", "schema", "load", "model", "query", "check", "incremental", "release", "site", "stores", "pipeline",
          "cli"]  # each imports only leftwards


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _stage(module: str) -> int:
    part = module.split(".")[1] if module.count(".") else ""
    return STAGES.index(part) if part in STAGES else -1  # kg itself (its version) sits below everything


def _imports() -> dict[str, set[tuple[str, str]]]:
    """module → (imported module, imported name), from every `from kg… import …` anywhere in its code."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        found[module] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kg":
                found[module].update((node.module, alias.name) for alias in node.names)
    return found


IMPORTS = _imports()


def test_the_stages_are_folders_with_a_docstring() -> None:
    for stage in STAGES[:-2]:
        init = PACKAGE / stage / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} says nothing of its job"
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "pipeline.py"]


def test_imports_only_go_down_the_pipeline() -> None:
    upward = sorted(f"{module} imports {target}" for module, pairs in IMPORTS.items() for target, _ in pairs
                    if module not in ("kg", "kg.__main__") and _stage(target) > _stage(module))
    assert upward == []


def test_no_private_name_is_imported_from_another_module() -> None:
    private = sorted(f"{module} takes {target}.{name}" for module, pairs in IMPORTS.items()
                     for target, name in pairs if name.startswith("_") and name != "__version__")
    assert private == []


def test_no_import_cycle() -> None:
    graph = {module: {target for target, _ in pairs if target in IMPORTS} for module, pairs in IMPORTS.items()}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target in path:
                cycles.append(" → ".join([*path[path.index(target):], target]))
            elif len(path) < 12:
                visit(target, [*path, target])

    for module in graph:
        visit(module, [module])
    assert sorted(set(cycles)) == []


def test_readme_lists_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Module map"):]
    missing = [str(p.relative_to(ROOT)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.name not in ("__init__.py", "__main__.py")
               and f"`{p.relative_to(ROOT)}`" not in layout and f"`{p.stem}`" not in layout]
    assert missing == []


def test_readme_opens_with_the_commands_then_the_module_map() -> None:
    """The README's first section is the module map, right after the two commands and how to call kg; its diagram
    names every stage folder, and its table lists them in the order of the stages."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    opening, rest = readme.split("\n## ", 1)
    assert rest.startswith("Module map\n")
    assert "bash scripts/run.sh" in opening and "bash scripts/test.sh" in opening and ".venv/bin/kg" in opening
    section = rest.split("\n## ", 1)[0]
    diagram = section.split("```text\n", 1)[1].split("```", 1)[0]
    folders = [s for s in STAGES if (PACKAGE / s).is_dir()]
    assert [s for s in folders if s not in diagram] == []
    listed = [m for line in section.splitlines() if line.startswith("| `kg/")
              for m in re.findall(r"`kg/(\w+)/`", line.split(" | ", 1)[0])]
    assert [s for s in listed if s in folders] == folders
