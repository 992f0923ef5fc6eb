"""docs/adding-a-source.md, run as a new user would: every bash block, in order, in an empty folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import BUNDLED, ROOT, SEEDS
from kg.base.config import resource_dir

GUIDE = ROOT / "docs" / "adding-a-source.md"


def test_the_guide_runs_from_an_empty_folder_to_an_answer(tmp_path: Path) -> None:
    blocks = re.findall(r"```bash\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 6
    script = "set -euo pipefail\n" + "\n".join(blocks)
    env = {**os.environ, "SEEDS": str(SEEDS), "KG_CACHE_DIR": str(tmp_path / ".cache"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("KG_SOURCES_DIR", None)
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Wrote records/demo-trial.yaml" in out
    assert "Appended intervention 'recovery-college-course' to records/demo-trial.yaml." in out
    checks = re.findall(r"OK: (\d+) files, (\d+) records, (\d+) quotes, (\d+) triples, conforms, 0 conflicts", out)
    assert len(checks) == 2, out  # step 4, and step 6 after the second source
    bundled = len(list(resource_dir("records").glob("*.yaml")))
    files, records, quotes, triples = map(int, checks[0])
    assert files == bundled + 1  # the bundled record files and the new one
    assert records > BUNDLED["records"] and quotes > BUNDLED["quotes"] and triples > BUNDLED["triples"]
    assert ("intervention,led_by\nLearn how to tackle anxiety and depression,peer-worker\n"
            "Recovery College Course,peer-worker\nTurning Points,peer-worker\n") in out
    assert ("intervention,component_label\nLearn how to tackle anxiety and depression,peer-exchange\n"
            "Recovery College Course,peer-exchange\nTurning Points,peer-exchange\n") in out
    assert (tmp_path / "release" / "interventions" / "recovery-college-course.jsonld").is_file()
    # step 6: a second source on the same article and study, its facts beside the first one's, each with its quote
    second = tuple(map(int, checks[1]))
    assert second[0] == files + 1
    assert second[1] == records + 6  # a concept, the study again, a data set, two samples, a finding
    assert second[2] > quotes and second[3] > triples
    first, abstract = "A made-up demonstration source,", "Abstract of the made-up demonstration source,"
    for row in (first + "evaluates,Recovery College Course,We evaluated the course in a pilot study.,",
                first + "reported in,A made-up demonstration source,We evaluated the course in a pilot study.,",
                abstract + "data collection method,focus group,the pilot study held focus groups,",
                abstract + "reanalyses,existing feedback forms of the Recovery College Course,re-analysed the course's "
                "existing feedback forms,"):
        assert "\n" + row in out, row


def test_the_guide_shows_the_message_kg_gives_for_an_unknown_field(tmp_path: Path) -> None:
    """The guide's first example message is the loader's, word for word up to where the guide cuts the list of
    fields short (so that a new field does not make the guide wrong)."""
    from kg.base.errors import RecordError
    from kg.load.records import load_file
    from kg.schema.vocabularies import concepts_by_scheme

    shown = next(line for line in GUIDE.read_text(encoding="utf-8").splitlines() if "unknown field 'durration'" in line)
    path = tmp_path / "demo-trial.yaml"
    path.write_text("source:\n  id: demo-trial\n  label: Demo\n  text_file: demo-trial.txt\n  quote: Demo\n"
                    "interventions:\n  recovery-college-course:\n    quote: Recovery College Course\n"
                    "    durration: Nine months\n", encoding="utf-8")
    try:
        load_file(path, concepts_by_scheme())
    except RecordError as exc:
        message = str(exc)
    else:
        raise AssertionError("an unknown field was accepted")
    said = shown.removeprefix("error: ").split(": ", 1)[1]  # after "error: FILE:LINE: "
    assert said.endswith(", …")
    assert message.split(": ", 1)[1].startswith(said.removesuffix("…")), message


def test_the_worked_examples_are_lines_of_the_bundled_records() -> None:
    """Each line of each YAML snippet of the guide's worked examples (a trial, a review) is a line of the bundled
    record files, so the guide shows what the records really hold and cannot drift from them."""
    guide = (ROOT / "records" / "README.md").read_text(encoding="utf-8")
    section = guide.split("## Worked examples", 1)[1].split("## Field reference", 1)[0]
    snippets = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(snippets) >= 7
    records = {line.rstrip() for path in (ROOT / "records").glob("*.yaml")
               for line in path.read_text(encoding="utf-8").splitlines()}
    missing = [line for snippet in snippets for line in snippet.splitlines() if line.rstrip() not in records]
    assert missing == []
