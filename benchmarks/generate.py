"""A deterministic synthetic evidence corpus in the project's own record format, for benchmarks.

Distributions (all drawn from random.Random(seed), so the same size and seed give the same files):
- one catalogue source defines the interventions (one per 4,000 requested triples, between 20 and 300; names
  "Synthetic intervention N", acronyms SI-N), a pool of 60 components (each intervention has 3–6), 24 outcomes
  split between personal and clinical recovery, and 12 participant subgroups;
- every other source is one study: a journal article with 2–6 authors (from a pool of 2,000 people), evaluating
  1–3 interventions, with a design, a sample size (12–400), a country, and 3–8 findings, each about one of the
  study's interventions and a random outcome, with a direction (beneficial 55 %, no effect 30 %, harmful 5 %,
  mixed 10 %), a strength (stated 60 %, suggested, possible, apparent), a subgroup for a quarter of them, 0–2
  mechanisms and a quoted passage;
- every quote is written into the source's text file, so the build checks it like a real one.
The number of studies is chosen from the requested triple count (about 840 triples per study with their
reification and passages; the catalogue about 110 per intervention plus 6,000).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

# a generated corpus is not in a git checkout, whose last commit would date its release (kg.release.metadata):
# the benchmarks date it as reproducible builds do, unless the caller already has
os.environ.setdefault("SOURCE_DATE_EPOCH", "1796601600")  # 2026-12-07

COUNTRIES = ["Denmark", "Norway", "Sweden", "Netherlands", "Germany", "Canada", "Australia", "Japan"]
DESIGNS = ["qualitative-phenomenological-study", "qualitative-synthesis"]
DIRECTIONS = [("beneficial", 55), ("no-effect", 30), ("harmful", 5), ("mixed", 10)]
STRENGTHS = [("stated", 60, None), ("suggested", 15, "indicates"), ("possible", 15, "may"),
             ("apparent", 10, "does not seem to")]
TRIPLES_PER_STUDY = 840
CATALOGUE_BASE = 6_000
TRIPLES_PER_INTERVENTION = 110


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _weighted(rng: random.Random, items: list) -> tuple:
    return rng.choices(items, weights=[i[1] for i in items])[0]


def catalogue(rng: random.Random, interventions: int) -> tuple[str, str]:
    lines = ["source:", "  id: synthetic-catalogue", "  label: Synthetic catalogue of interventions",
             "  text_file: synthetic-catalogue.txt", '  quote: "Synthetic catalogue."', "", "components:"]
    text = ["Synthetic catalogue."]
    for c in range(60):
        label = f"synthetic component {c}"
        text.append(f"Component: {label}.")
        lines.append(f"  synthetic-component-{c}: {{quote: {q('Component: ' + label + '.')}, label: {q(label)}, "
                     "kind: principle-or-method}")
    lines += ["", "outcomes:"]
    for o in range(24):
        kind = "personal-recovery" if o % 2 == 0 else "clinical-recovery"
        label = f"synthetic outcome {o}"
        text.append(f"Outcome: {label}.")
        lines.append(f"  synthetic-outcome-{o}: {{quote: {q('Outcome: ' + label + '.')}, label: {q(label)}, "
                     f"recovery_kind: {kind}}}")
    text.append("Personal recovery is what helps a person move beyond being a patient. Clinical recovery is "
                "symptom reduction.")
    lines += ["", "concepts:",
              '  recovery-kind/personal-recovery: {quote: "Personal recovery is what helps a person move beyond '
              'being a patient.", definition: {value: "what helps a person move beyond being a patient"}}',
              '  recovery-kind/clinical-recovery: {quote: "Clinical recovery is symptom reduction.", '
              'definition: {value: symptom reduction}}']
    lines += ["", "subgroups:"]
    for s in range(12):
        label = f"participants of synthetic subgroup {s}"
        text.append(f"Subgroup: {label}.")
        lines.append(f"  synthetic-subgroup-{s}: {{quote: {q('Subgroup: ' + label + '.')}, label: {q(label)}}}")
    lines += ["", "interventions:"]
    for i in range(interventions):
        name = f"Synthetic intervention {i}"
        aim = f"To help people with synthetic condition {i % 17} recover"
        months = rng.choice([2, 3, 6, 9, 12])
        sentence = f"{name} (SI-{i}) aims: {aim}. It lasts {months} months."
        text.append(sentence)
        comps = sorted(rng.sample(range(60), rng.randint(3, 6)))
        lines += [f"  synthetic-intervention-{i}:", f"    quote: {q(sentence)}",
                  f"    name: {q(name)}", f"    acronym: SI-{i}", f"    aim: {q(aim)}",
                  f"    components: {{values: [{', '.join(f'synthetic-component-{c}' for c in comps)}]}}",
                  f"    duration: {{value: P{months}M, qualifier: exact, text: {q(f'{months} months')}}}",
                  f"    peer_support: {{value: {str(i % 3 == 0).lower()}}}"]
    return "\n".join(lines) + "\n", "\n".join(text) + "\n"


def study(rng: random.Random, n: int, interventions: int) -> tuple[str, str]:
    sid = f"synthetic-study-{n}"
    title = f"Synthetic study {n} of psychosocial interventions"
    text = [f"{title}."]
    authors = sorted(rng.sample(range(2000), rng.randint(2, 6)))
    names = [f"Person {a} Synthetic" for a in authors]
    text.append("Authors: " + ", ".join(names) + ".")
    evaluated = sorted(rng.sample(range(interventions), rng.randint(1, 3)))
    size = rng.randint(12, 400)
    country = rng.choice(COUNTRIES)
    method = f"A synthetic study of {size} participants in {country}."
    text.append(method)
    published = f"Published {2000 + n % 25}."
    text.append(published)
    lines = ["source:", f"  id: {sid}", f"  label: {q(title)}", f"  text_file: {sid}.txt",
             f"  publication: {sid}-article", f"  quote: {q(title + '.')}", "", "publications:",
             f"  {sid}-article:", f"    quote: {q(title + '.')}", "    type: {value: journal-article}",
             f"    title: {{value: {q(title)}}}", f"    issued: {{value: \"{2000 + n % 25}\", quote: {q(published)}}}",
             f"    authors: {{values: [{', '.join(f'person-{a}' for a in authors)}], "
             f"quote: {q('Authors: ' + ', '.join(names) + '.')}}}", "", "persons:"]
    for a, name in zip(authors, names, strict=True):
        lines.append(f"  person-{a}: {{quote: {q(name)}, name: {q(name)}}}")
    lines += ["", "studies:", f"  {sid}:", f"    quote: {q(method)}", f"    label: {{value: {q(title)}}}",
              f"    design: {rng.choice(DESIGNS)}", f"    sample_size: {size}", f"    country: {{value: {country}}}",
              f"    evaluates: {{values: [{', '.join(f'synthetic-intervention-{i}' for i in evaluated)}]}}",
              f"    reported_in: {sid}-article", "", "mechanisms:"]
    findings = []
    for f in range(rng.randint(3, 8)):
        intervention = rng.choice(evaluated)
        outcome = rng.randrange(24)
        direction = _weighted(rng, DIRECTIONS)[0]
        strength, _, hedge = _weighted(rng, STRENGTHS)
        words = f"{hedge} " if hedge else ""
        sentence = (f"In synthetic study {n}, Synthetic intervention {intervention} {words}showed a {direction} "
                    f"relation to synthetic outcome {outcome} (finding {f}).")
        text.append(sentence)
        mechanisms = []
        for m in range(rng.randint(0, 2)):
            label = f"synthetic mechanism {n}-{f}-{m}"
            text.append(f"Mechanism: {label}.")
            lines.append(f"  {sid}-mechanism-{f}-{m}: {{quote: {q('Mechanism: ' + label + '.')}, "
                         f"label: {q(label)}}}")
            mechanisms.append(f"{sid}-mechanism-{f}-{m}")
        findings += [f"  {sid}-finding-{f}:", f"    quote: {q(sentence)}",
                     f"    label: {{value: {q(f'Finding {f} of synthetic study {n}')}}}",
                     f"    type: {rng.choice(['result', 'conclusion'])}", f"    study: {sid}",
                     f"    interventions: synthetic-intervention-{intervention}",
                     f"    outcome: synthetic-outcome-{outcome}", f"    direction: {direction}",
                     f"    strength: {strength}"]
        if hedge:
            findings.append(f"    hedge: {{value: {q(hedge)}}}")
        if rng.random() < 0.25:
            findings.append(f"    subgroup: synthetic-subgroup-{rng.randrange(12)}")
        if mechanisms:
            findings.append(f"    mechanisms: {{values: [{', '.join(mechanisms)}]}}")
    if lines[-1] == "mechanisms:":
        lines.pop()
    lines += ["", "findings:", *findings]
    return "\n".join(lines) + "\n", "\n".join(text) + "\n"


def generate(folder: Path, triples: int, seed: int = 7) -> int:
    """Write records/ and texts/ under folder for about `triples` triples; return the number of studies."""
    rng = random.Random(seed)
    records, texts = folder / "records", folder / "texts"
    records.mkdir(parents=True, exist_ok=True)
    texts.mkdir(parents=True, exist_ok=True)
    interventions = max(20, min(300, triples // 4000))
    record, text = catalogue(rng, interventions)
    (records / "synthetic-catalogue.yaml").write_text(record, encoding="utf-8")
    (texts / "synthetic-catalogue.txt").write_text(text, encoding="utf-8")
    studies = max(1, (triples - CATALOGUE_BASE - interventions * TRIPLES_PER_INTERVENTION) // TRIPLES_PER_STUDY)
    for n in range(studies):
        record, text = study(rng, n, interventions)
        (records / f"synthetic-study-{n}.yaml").write_text(record, encoding="utf-8")
        (texts / f"synthetic-study-{n}.txt").write_text(text, encoding="utf-8")
    return studies
