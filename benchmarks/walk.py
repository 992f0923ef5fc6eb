"""The walk of `kg build`: which modules of the kg package the control passes through, from the records folder to
the written release, and how often it goes back.

What is run: the Python API that `kg build -o OUT` calls (kg.cli.graph's `build` → `_build_and_release`):
kg.pipeline.build_release(Settings.default(), OUT, unchecked_ok=False) with the default settings (the packaged
records; the source texts from $KG_SOURCES_DIR or ../shared/seeds, as kg.base.config finds them), a temporary
output folder and a temporary KG_CACHE_DIR (the user's cache is not touched). It runs in this process under
sys.setprofile on the main thread, and threading.setprofile on the threads it starts (the verdict's, the
hashing ones: their calls up the pipeline are counted, and the stages a thread enters first are named); the
release's helper process is not traced.

What is recorded: the stack of kg frames (a frame is kg's when its module is kg.something). Frames of kg.base.*
(the foundations every module imports) and of kg/__init__ are left out, and so is the code run by an import
(a module's top level, and everything it calls, e.g. a lazy `from kg.query.cache import ...`), so that the walk
does not depend on what was imported first. Frames of other packages (rdflib, pyoxigraph, click) are skipped
over: a kg function called back by rdflib sits on the kg stack right above the kg function that called rdflib.
The frames are reduced to the *module stack*: each frame's module, consecutive duplicates collapsed
(kg.pipeline → kg.pipeline → kg.model.build → kg.load.records is the module stack pipeline, model.build,
load.records; its depth is 3).

The walk, for a depth D (--depth, default 3: the entry point build_release and two levels under it):
- The module stack is cut at depth D, and the tree of *visits* is taken from it: a visit is a stay in a module at
  a depth (from the call that puts the module there to the return that takes it off), and the visits one level
  deeper that it makes are its excursions. The walk goes through the tree in order: a visit is a stop, then each
  of its excursions and, after each, the visit again (the return to it is a stop too). So a stop is the module at
  the top of the cut stack each time it changes: a call entering a module at depth ≤ D, or a return to one.
- An excursion that repeats exactly (the same modules at the same depths, in the same order) one already made
  from the same visit is left out: a loop that calls a helper module for each record or each statement is one
  excursion, not thousands (the walk at depth 3 would have some 16,000 stops otherwise; the figures line gives
  that count too). A repeat that goes somewhere new (another helper, or deeper) is kept, as a whole.

The figures:
- stops: the length of the walk (consecutive repeats collapsed). The first stop is kg.pipeline (build_release).
- modules: how many distinct modules the walk visits.
- climbs: transitions from a stop to the next whose stage comes earlier in STAGES (the stage is the second
  dotted part of the module name: kg.site.builder → site; kg.pipeline → pipeline), i.e. the walk going
  back upstream, from the release towards the records. They are counted apart as calls (a later stage calling an
  earlier one: the pipeline calling the model, the release writer calling the model) and as returns (back to a
  caller of an earlier stage: the pipeline's gate, called by the release writer, returning to it). A stage that
  is not in STAGES (or --stages) has no place in the order: no transition from or to it is a climb, and the
  script names such stages on stderr.
- re-entries: how many stops enter a module that the walk has already left earlier (= stops − modules), with
  the modules re-entered most.

The flow line (`main job:`) says what one pass down means: the stages the main job (kg.pipeline) calls into, in
order, whether that order is the pipeline's, how many times it enters a stage again after leaving it for another,
and the calls up the pipeline at any depth (a module calling a module of a later stage, which only a callback
does: the release writer calling the pipeline's gate).

The printed walk gives each stop's depth (indented by it), how it was reached (→ a call, with the function
that entered the module; ← a return), and marks climbs (▲) and re-entries (↺ n: the n-th re-entry of it).

    .venv/bin/python benchmarks/walk.py              # the walk at the default depth
    .venv/bin/python benchmarks/walk.py --depth 4
    .venv/bin/python benchmarks/walk.py --table      # the figures at depths 1 to 8 (one traced run)
    .venv/bin/python benchmarks/walk.py --stages base,load,schema,model,query,check,release,pipeline,cli
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

# The stages in pipeline order, each a folder (or module) directly under kg/. New folders go in their place in this
# list (or give --stages): a stage that is not listed has no place in the order, so a transition from or to it is
# never a climb, and the script names it on stderr.
STAGES = ["base", "schema", "load", "model", "query", "check", "incremental", "release", "site", "stores", "publish",
          "pipeline", "cli"]
DEFAULT_DEPTH = 3
MAX_DEPTH = 30  # the module stack is logged down to this depth (deeper changes cannot change a walk we print)
_IMPORT = "<import>"  # what classify() says of a module's top-level code


def stage_of(module: str) -> str:
    return module.split(".")[1]


def climbs(before: str, after: str) -> bool:
    """Whether going from the module `before` to the module `after` goes back to an earlier stage."""
    first, then = stage_of(before), stage_of(after)
    return first in STAGES and then in STAGES and STAGES.index(then) < STAGES.index(first)


@dataclass
class Event:
    """A change of the module stack: a module entered at `depth` (by `function`), or the module at depth+1 left."""

    depth: int  # the depth of the module stack after the change
    module: str | None  # the module entered, None for a return
    function: str = ""


@dataclass
class Tracer:
    """A profile function that logs the changes of the module stack of kg frames."""

    events: list[Event] = field(default_factory=list)
    kinds: dict[CodeType, str | None] = field(default_factory=dict)
    runs: list[list[Any]] = field(default_factory=list)  # the module stack: [module, frames of it in a row]
    importing: int = 0  # how many module top levels are being run (nothing is logged meanwhile)
    calls: int = 0  # kg frames seen (outside imports)
    upcalls: Counter[tuple[str, str]] = field(default_factory=Counter)  # (caller, callee) of a later stage

    def classify(self, frame: FrameType) -> str | None:
        """The frame's kg module, _IMPORT for a module's top-level code, None for a frame left out."""
        if frame.f_code.co_name == "<module>":
            return _IMPORT
        name = frame.f_globals.get("__name__")
        if not isinstance(name, str) or not name.startswith("kg.") or name.startswith("kg.base."):
            return None  # another package, kg/__init__ or the foundations
        return name

    def __call__(self, frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call" and event != "return":  # c_call, c_return, c_exception
            return
        code = frame.f_code
        try:
            kind = self.kinds[code]
        except KeyError:
            kind = self.kinds[code] = self.classify(frame)
        if kind is None:
            return
        if kind is _IMPORT:
            self.importing += 1 if event == "call" else -1
            return
        if self.importing:
            return
        runs = self.runs
        if event == "call":
            self.calls += 1
            if runs and runs[-1][0] == kind:
                runs[-1][1] += 1
            else:
                if runs and climbs(kind, runs[-1][0]):  # the callee's stage comes after its caller's
                    self.upcalls[runs[-1][0], kind] += 1
                runs.append([kind, 1])
                if len(runs) <= MAX_DEPTH:
                    self.events.append(Event(len(runs), kind, code.co_name))
        elif runs:  # a return (also when an exception unwinds the frame)
            runs[-1][1] -= 1
            if not runs[-1][1]:
                runs.pop()
                if len(runs) < MAX_DEPTH:
                    self.events.append(Event(len(runs), None))


@dataclass
class Stop:
    module: str
    depth: int
    called: bool  # reached by a call (else by a return)
    function: str  # the function that entered the module (a call)


@dataclass
class Visit:
    """A stay in a module at a depth of the module stack, and the visits it made one level deeper, in order."""

    module: str
    function: str
    visits: list[Visit] = field(default_factory=list)


def visits(events: list[Event], depth: int) -> Visit:
    """The tree of visits down to `depth`, under a root that stands for the caller of the build."""
    root = Visit("", "")
    stack = [root]  # stack[k]: the visit at depth k
    for event in events:
        del stack[event.depth if event.module is not None else event.depth + 1:]
        if event.module is not None and event.depth <= depth:
            visit = Visit(event.module, event.function)
            stack[-1].visits.append(visit)
            stack.append(visit)
    return root


def walk_of(visit: Visit, depth: int = 1, repeats: bool = False) -> list[Stop]:
    """The visit's stops: itself, then each of its excursions (a deeper visit, and the return from it), an
    excursion that repeats one already made from this visit left out unless `repeats`."""
    stops = [Stop(visit.module, depth, True, visit.function)]
    made: set[tuple[tuple[str, int], ...]] = set()
    for deeper in visit.visits:
        excursion = walk_of(deeper, depth + 1, repeats)
        shape = tuple((stop.module, stop.depth) for stop in excursion)
        if shape in made and not repeats:
            continue
        made.add(shape)
        stops += excursion
        stops.append(Stop(visit.module, depth, False, ""))
    return stops


def walk(events: list[Event], depth: int, repeats: bool = False) -> list[Stop]:
    """The stops of the walk at `depth` (see the module's docstring), consecutive repeats collapsed."""
    stops = [stop for entry in visits(events, depth).visits for stop in walk_of(entry, 1, repeats)]
    return [stop for i, stop in enumerate(stops) if not i or stops[i - 1].module != stop.module]


@dataclass
class Figures:
    stops: int
    modules: int
    climbs: int
    climbs_calling: int
    climbs_returning: int
    reentries: int
    reentered: Counter[str]


def figures(stops: list[Stop]) -> Figures:
    ups = [b for a, b in pairwise(stops) if climbs(a.module, b.module)]
    seen: set[str] = set()
    reentered: Counter[str] = Counter()
    for stop in stops:
        if stop.module in seen:
            reentered[stop.module] += 1
        seen.add(stop.module)
    return Figures(len(stops), len(seen), len(ups), sum(b.called for b in ups), sum(not b.called for b in ups),
                   sum(reentered.values()), reentered)


BESIDE: dict[int, Tracer] = {}  # the tracers of the other threads the build starts (the verdict's), by thread


def stage_sequence(events: list[Event]) -> list[str]:
    """The stages the main job (depth 1) calls into, in order, each run of calls into one stage counted once."""
    entered = [stage_of(e.module) for e in events if e.module is not None and e.depth == 2]
    return [s for i, s in enumerate(entered) if not i or entered[i - 1] != s]


def print_flow(tracer: Tracer) -> None:
    """The figures of one pass down: the stages the main job visits, in order or not; the stages it enters again;
    the calls up the pipeline (a module calling one of a later stage: a callback), in every thread."""
    sequence = stage_sequence(tracer.events)
    order = [STAGES.index(s) for s in sequence if s in STAGES]
    again = sum(1 for i, s in enumerate(sequence) if s in sequence[:i])
    upcalls = sum((t.upcalls for t in (tracer, *BESIDE.values())), Counter())
    ups = ", ".join(f"{short(a)}→{short(b)} {n}" for (a, b), n in upcalls.most_common())
    print(f"main job: stages {' → '.join(sequence)}; {'in' if order == sorted(order) else 'NOT in'} pipeline order; "
          f"{again} stage re-entries; {sum(upcalls.values())} calls up the pipeline ({ups or 'none'})")
    for other in BESIDE.values():
        entered = [e.module for e in other.events if e.module is not None and e.depth == 1]
        if entered and all(m == "kg.pipeline" for m in entered):  # a step of the main job: the stages it calls
            print(f"  beside it, on another thread, the main job's {' → '.join(stage_sequence(other.events))}")


def short(module: str) -> str:
    return module.removeprefix("kg.")


def print_walk(stops: list[Stop]) -> None:
    seen: Counter[str] = Counter()
    previous: Stop | None = None
    for number, stop in enumerate(stops, 1):
        marks = []
        if previous is not None and climbs(previous.module, stop.module):
            marks.append(f"▲ climb {stage_of(previous.module)}→{stage_of(stop.module)}")
        if seen[stop.module]:
            marks.append(f"↺ {seen[stop.module]}")
        seen[stop.module] += 1
        how = f"→ {stop.function}" if stop.called else "←"
        print(f"{number:3}. [{stop.depth}] {'  ' * (stop.depth - 1)}{short(stop.module)}  {how}"
              f"{'   ' + ', '.join(marks) if marks else ''}")
        previous = stop


def print_figures(stops: list[Stop], depth: int, repeated: int) -> None:
    result = figures(stops)
    top = ", ".join(f"{short(m)} {n}" for m, n in result.reentered.most_common(4))
    print(f"depth {depth}: {result.stops} stops in {result.modules} modules, {result.climbs} climbs "
          f"({result.climbs_calling} by a call, {result.climbs_returning} by a return), "
          f"{result.reentries} re-entries ({top or 'none'}); {repeated} stops with the repeated excursions")


def run_build(tracer: Callable[[FrameType, str, Any], None]) -> tuple[bool, float]:
    """`kg build -o OUT` through the API it calls, traced; whether the graph passed, and the seconds taken."""
    from kg.base.config import Settings
    from kg.pipeline import build_release

    settings = Settings.default()
    if settings.sources_dir is None:
        sys.exit("walk.py: no source texts found (give KG_SOURCES_DIR), and kg build refuses unchecked quotes")
    with tempfile.TemporaryDirectory(prefix="kg-walk-") as tmp:
        os.environ["KG_CACHE_DIR"] = str(Path(tmp) / "cache")  # kg build caches the answers of the queries
        os.register_at_fork(after_in_child=lambda: sys.setprofile(None))  # a forked child is not traced
        start = time.perf_counter()
        threading.setprofile(lambda *args: BESIDE.setdefault(threading.get_ident(), Tracer())(*args))
        sys.setprofile(tracer)
        try:
            result = build_release(settings, Path(tmp) / "out", unchecked_ok=False)
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
        return result.ok, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--depth", type=int, default=DEFAULT_DEPTH,
                        help=f"how deep in the module stack the walk looks (default {DEFAULT_DEPTH})")
    parser.add_argument("--table", action="store_true", help="the figures at depths 1 to 8, without the walk")
    parser.add_argument("--stages", metavar="A,B,...", help=f"the stage order (default {','.join(STAGES)})")
    args = parser.parse_args()
    if not 1 <= args.depth <= MAX_DEPTH:
        parser.error(f"--depth must be from 1 to {MAX_DEPTH}")
    if args.stages:
        STAGES[:] = [stage.strip() for stage in args.stages.split(",") if stage.strip()]
    tracer = Tracer()
    ok, seconds = run_build(tracer)
    import kg

    print(f"kg build (kg from {Path(kg.__file__).parent}): {'passed' if ok else 'FAILED'} in {seconds:.1f} s "
          f"traced; {tracer.calls} kg calls, {len(tracer.events)} module-stack changes")
    for depth in range(1, 9) if args.table else [args.depth]:
        stops = walk(tracer.events, depth)
        if not args.table:
            print()
            print_walk(stops)
            print()
        print_figures(stops, depth, len(walk(tracer.events, depth, repeats=True)))
    print_flow(tracer)
    unknown = sorted({stage_of(stop.module) for stop in walk(tracer.events, MAX_DEPTH)} - set(STAGES))
    if unknown:
        print(f"walk.py: stages not in the stage order, never counted in climbs: {', '.join(unknown)} "
              "(give --stages, or add them to STAGES)", file=sys.stderr)


if __name__ == "__main__":
    main()
