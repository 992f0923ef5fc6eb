"""`kg serve`: the release behind Oxigraph's SPARQL server, on loopback.

`kg serve` runs Oxigraph's server as a child process on a private loopback port and answers the public port
itself, through the guard of kg/stores/guard.py, which refuses SERVICE (and LOAD) before a query reaches Oxigraph
(Oxigraph's server cannot turn federation off), and deep nesting that would overflow Oxigraph's stack. A query
that runs longer than `kg serve --timeout` is stopped by the guard, which has the child killed (Oxigraph 0.5
does not stop every query it cancels); `_Oxigraph` starts another on the same database, as it does when a child
dies. With `--store`, the database is a kept, locked folder (kg/stores/database.py).

The child never outlives `kg serve`: SIGTERM, SIGINT and SIGHUP stop it and remove the temporary database (the
child runs in a process group of its own, so a terminal's Ctrl-C reaches `kg serve`, which stops it in order);
on Linux the child is also started with PR_SET_PDEATHSIG, so the kernel kills it even if `kg serve` itself is
killed with SIGKILL (no handler runs then); the temporary database left by such a kill is removed by the next
`kg serve`, which recognises its own folders by name, owner and a marker file naming a process that is gone.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from kg.base.config import ONTOLOGY_IRI
from kg.base.errors import InputError, display_path
from kg.query.remote import oxigraph_binary
from kg.stores.database import RELEASE_FILES, kept_store
from kg.stores.guard import GuardServer, Upstream

PREFIX = "pikg-oxigraph-"
MARKER = ".pikg-serve"
QUERY_TIMEOUT = 60  # seconds a query may run (`kg serve --timeout`)
OXIGRAPH_GRACE = 5  # Oxigraph's own limit is this much later than the guard's, which stops a query first
THREAD_STACK = 64 * 1024 * 1024  # Oxigraph's threads' stacks (RUST_MIN_STACK; 2 MiB by default)


# --- the Oxigraph child ------------------------------------------------------------------------------------------

def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that asks Linux to SIGKILL the child when its parent dies (PR_SET_PDEATHSIG): the one way a
    child is stopped when `kg serve` is killed with SIGKILL, since no handler of ours runs then. The signal
    follows the thread that started the child, which here is the main thread, so it lasts as long as the
    process. Elsewhere (no prctl) the signal handlers are the only guard."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_databases(folder: Path | None = None) -> list[Path]:
    """Remove the temporary databases that earlier `kg serve` runs of this user could not remove (they were
    killed with SIGKILL): a folder named pikg-oxigraph-*, owned by us, not a link, holding our marker file that
    names a process that no longer runs. Anything else is left alone."""
    removed = []
    for path in sorted(Path(folder or tempfile.gettempdir()).glob(f"{PREFIX}*")):
        try:
            info = path.lstat()
            marker = path / MARKER
            if (not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid() or marker.is_symlink()
                    or not marker.is_file()):
                continue
            with marker.open("rb") as file:
                words = file.read(100).decode("utf-8").split()
            if len(words) < 2 or words[0] != "pikg-serve" or not words[1].isdigit() or _alive(int(words[1])):
                continue
            shutil.rmtree(path)
            removed.append(path)
        except (OSError, UnicodeDecodeError):
            continue
    return removed


def _new_database() -> Path:
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / MARKER).write_text(f"pikg-serve {os.getpid()}\n", encoding="utf-8")
    return folder


def _child_env() -> dict[str, str]:
    """Oxigraph's environment: ours, without Rust backtraces (its error is one line then), and with stacks large
    enough for the nesting the guard lets through (kg/stores/sparql_checks.py: the bounds assume them)."""
    return {**os.environ, "RUST_BACKTRACE": "0", "RUST_MIN_STACK": str(THREAD_STACK)}


def _run_child(args: list[str], log: BinaryIO) -> int:
    """Run an oxigraph command to its end (killed if we are interrupted)."""
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                          env=_child_env(), process_group=0, preexec_fn=_die_with_parent()) as child:
        try:
            return child.wait()
        except BaseException:
            child.kill()
            child.wait()
            raise


def _tail(log: BinaryIO) -> str:
    """Oxigraph's own error line (its first `Error…` line: a backtrace may follow it), or its last line but the
    one that says where it listens."""
    log.seek(0)
    lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines()
             if line.strip() and not line.startswith("Listening for requests at ")]
    errors = [line for line in lines if line.startswith("Error")]
    return (errors or lines or ["no message"])[0 if errors else -1][:300]


def load_release(release: Path, location: Path, log: BinaryIO) -> None:
    """Load the release into an Oxigraph database folder (the named graphs, and the ontology for its labels)."""
    binary = oxigraph_binary()
    for args in (["--file", str(release / "pikg.nq")],
                 ["--file", str(release / "ontology.ttl"), "--graph", ONTOLOGY_IRI]):
        log.seek(0)
        log.truncate()
        if _run_child([binary, "load", "--location", str(location), *args], log) != 0:
            detail = _tail(log).removeprefix(f"Error while loading file {args[1]}: ")
            raise InputError(f"{display_path(args[1])}: oxigraph could not load it: {detail}")


def _free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, child: subprocess.Popen[bytes], log: BinaryIO, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if child.poll() is not None:
            raise InputError(f"the oxigraph server stopped at start (exit {child.returncode}): {_tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise InputError(f"the oxigraph server did not start within {seconds:g} s")


class _Stop(BaseException):
    """A stop signal (SIGTERM, SIGHUP) turned into an exception, so that every `finally` runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


class _Oxigraph:
    """The Oxigraph server child on a private loopback port, started again whenever it ends while kg serve runs:
    when the guard kills it to stop a query past its time limit (`stop`, from the guard's threads), or when it
    dies (a stack overflow on a query the guard's bounds let through). Every child is started from the main
    thread, which PR_SET_PDEATHSIG ties it to."""

    def __init__(self, args: list[str], log: BinaryIO, upstream: Upstream) -> None:
        self.args, self.log, self.upstream = args, log, upstream
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._runaway = False
        upstream.stop = self.stop

    def start(self) -> int:
        """Start a child and wait until it listens; its private port."""
        self.log.seek(0)
        self.log.truncate()
        private = _free_loopback_port()
        self.process = subprocess.Popen([*self.args, "--bind", f"127.0.0.1:{private}"], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=self.log, env=_child_env(),
                                        process_group=0, preexec_fn=_die_with_parent())
        _wait_for(private, self.process, self.log)
        self.upstream.up(("127.0.0.1", private))
        return private

    def stop(self, generation: int) -> None:
        """Kill the child of this generation (once: every query that ran too long on it asks)."""
        with self._lock:
            if self.upstream.moved(generation) or self.process is None:
                return
            self.upstream.down()
            self._runaway = True
            self.process.kill()

    def supervise(self, echo: Callable[[str], None], timeout: int) -> None:
        """Wait for the child to end and start another, for as long as kg serve runs."""
        while self.process is not None:
            code = self.process.wait()
            with self._lock:
                self.upstream.down()
                runaway, self._runaway = self._runaway, False
            why = f"a query ran past the time limit of {timeout} s" if runaway else \
                f"it stopped (exit {code}): {_tail(self.log)}"
            try:
                echo(f"Restarted Oxigraph: {why}")
            except OSError:  # nobody reads our output any more: serving goes on
                pass
            self.start()

    def end(self) -> None:
        with self._lock:
            self.upstream.down()
            child, self.process = self.process, None
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def serve_release(release: Path, host: str, port: int, read_write: bool = False, location: Path | None = None,
                  allow_service: bool = False, echo: Callable[[str], None] = print,
                  timeout: int = QUERY_TIMEOUT) -> None:
    """Serve the release with Oxigraph's server behind the guard until a signal stops it (a query running longer
    than `timeout` seconds is stopped by the guard); whatever way it ends, the child is stopped, a temporary
    database removed and a kept one (`location`, see kg/stores/database.py) unlocked."""
    for name in RELEASE_FILES:
        if not (release / name).is_file():
            raise InputError(f"{display_path(release / name)}: missing; write the release with `kg release` first")
    binary = oxigraph_binary()
    try:
        guard = GuardServer((host, port), allow_service, timeout)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stops = (signal.SIGTERM, signal.SIGHUP)
    previous: dict[int, Any] = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    folder: Path | None = None
    oxigraph: _Oxigraph | None = None
    serving = False
    try:
        for s in stops:  # inside the try: a signal from here on ends in the finally below
            previous[s] = signal.signal(s, _raise_stop)
        with tempfile.TemporaryFile() as log, contextlib.ExitStack() as stack:
            if location is None:
                remove_stale_databases()
                folder = database = _new_database()
                load_release(release, database, log)
            else:
                database = stack.enter_context(kept_store(location, release,
                                                          lambda target: load_release(release, target, log),
                                                          read_write))
            mode = "serve" if read_write else "serve-read-only"
            oxigraph = _Oxigraph([binary, mode, "--location", str(database), "--union-default-graph",
                                  "--timeout-s", str(timeout + OXIGRAPH_GRACE)], log, guard.upstream)
            oxigraph.start()
            threading.Thread(target=guard.serve_forever, name="kg-serve-guard", daemon=True).start()
            serving = True
            checks = "every request passed through" if allow_service else "SERVICE and LOAD refused"
            echo(f"Serving {display_path(release)}/ at http://{host}:{guard.server_address[1]}/ (SPARQL: /query; "
                 f"{'read-write' if read_write else 'read-only'}; {checks}; Ctrl-C stops)")
            oxigraph.supervise(echo, timeout)
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        for s in (*stops, signal.SIGINT):  # a second signal must not cut the cleaning short
            signal.signal(s, signal.SIG_IGN)
        try:
            if serving:
                guard.shutdown()
            guard.server_close()
            if oxigraph is not None:
                oxigraph.end()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            for signum, handler in previous.items():
                if handler is not None:
                    signal.signal(signum, handler)
