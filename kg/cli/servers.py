"""The commands that serve or send the release: `kg serve` (the release behind Oxigraph's SPARQL server),
`kg serve-site` (the static site over HTTP) and `kg publish` (the release into a SPARQL 1.1 store)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.base.errors import display_path
from kg.cli.common import Seconds, cli, epilog


@cli.command("serve-site", epilog=epilog("serve-site"))
@click.option("--dir", "site_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("site"), show_default=True, help="The site folder written by `kg site`.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
def serve_site(site_dir: Path, port: int, host: str) -> None:
    """Serve the site folder over HTTP for a quick look (Ctrl-C stops it). Only the folder's own files are served:
    a path that resolves outside it (a link, ..) is answered 404."""
    from kg.stores.serve_site import serve_folder

    server = serve_folder(site_dir, host, port)
    click.echo(f"Serving {display_path(site_dir)}/ at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command(epilog=epilog("publish"))
@click.option("--endpoint", help="An Oxigraph-style store URL, BASE/store, from which BASE/query and BASE/update "
                                 "follow.")
@click.option("--query-endpoint", help="The store's SPARQL query URL (default: BASE/query).")
@click.option("--update-endpoint", help="The store's SPARQL update URL (default: BASE/update).")
@click.option("--release", "release_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("release"),
              show_default=True, help="The release folder written by `kg release`.")
@click.option("--leave-out", "leave_out", multiple=True, metavar="DATATYPE",
              help="Do not send the statements whose value has this datatype (xsd:duration or a full IRI), for a "
                   "store that cannot hold it; they are counted. Repeatable.")
@click.option("--timeout", type=Seconds(), default=30, show_default=True,
              help="Seconds for each request to the store, its retries and backoff included.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries on connection errors and 5xx answers, with exponential backoff (within --timeout).")
def publish(endpoint: str | None, query_endpoint: str | None, update_endpoint: str | None, release_dir: Path,
            leave_out: tuple[str, ...], timeout: float, retries: int) -> None:
    """Put the release into a SPARQL 1.1 store, one named graph per source, each replaced by one update request
    (readers see the old graph or the new one), then read back and compared with what was sent (exit 1 if the
    store holds anything else). Before anything is replaced, a probe graph checks that the store keeps every
    datatype of the release (exit 1, nothing published, if not). Credentials come from KG_ENDPOINT_TOKEN or
    KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD (Digest with KG_ENDPOINT_AUTH=digest), or the URL, and are never
    printed."""
    from kg.query.endpoint import Endpoints
    from kg.stores.publish import PublishedGraph
    from kg.stores.publish import publish as publish_release

    def report(done: PublishedGraph) -> None:  # as each graph is done: a later failure does not hide what was done
        left = f", {done.left_out} left out" if done.left_out else ""
        click.echo(f"Published {done.graph}: {done.triples} triples{left}, read back and compared")
        for note in done.notes:
            click.echo(f"  note: {note}")

    done = publish_release(release_dir, Endpoints.of(endpoint, query_endpoint, update_endpoint), timeout, retries,
                           leave_out=leave_out, on_graph=report)
    for note in done.notes:
        click.echo(f"note: {note}")


@cli.command(epilog=epilog("serve"))
@click.option("--release", "release_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("release"),
              show_default=True, help="The release folder written by `kg release`.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: a free one, shown when serving starts).")
@click.option("--read-write", is_flag=True, help="Accept updates and uploads (read-only by default).")
@click.option("--store", "--location", "location", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to keep the database in (default: a temporary one, removed when the server stops), "
                   "locked while the server runs; it holds exactly the release served (another release replaces "
                   "its content); --location is the old spelling.")
@click.option("--allow-service", is_flag=True,
              help="Pass every request to Oxigraph unchecked, so SERVICE (federated queries) and LOAD run.")
@click.option("--timeout", type=click.IntRange(1, 86400), default=60, show_default=True,
              help="Seconds a query may run: past it, the client gets 503 and Oxigraph is restarted to stop "
                   "the work.")
def serve(release_dir: Path, host: str, port: int, read_write: bool, location: Path | None,
          allow_service: bool, timeout: int) -> None:
    """Serve the release with Oxigraph's SPARQL server (query UI at /, SPARQL at /query), the union of the named
    graphs as default graph.

    Oxigraph's server has no switch to turn federation off, so it runs on a private loopback port behind a small
    proxy on --port that parses each query and update (with rdflib) and answers 400 to SERVICE and LOAD: they
    would make the server send requests wherever a client asks. A request rdflib cannot parse that may hold
    either keyword is refused too, and Oxigraph is sent the text the proxy checked (\\u escapes expanded, line
    breaks as line feeds), never a text the two parsers could read differently. A request from a web page (a
    foreign Origin, or a Host that is not loopback) is refused with 403. --allow-service passes everything
    through. A text nested deeper than 128 levels of brackets, or chaining more than 10,000 operators, is refused
    with 400 (so deep a text could overflow Oxigraph's stack). A query past --timeout is answered 503 and its work
    stopped by restarting Oxigraph (queries running at that moment get 503 too); every answer is held until it is
    complete, so a 200 is never cut off.

    --store DIR keeps the database in DIR and locks it (a second `kg serve` on it exits 2); a release other than
    the one it holds is loaded beside it and replaces it once complete; a folder of other files is refused.

    The limit: the private port is an ordinary loopback TCP port without a password (Oxigraph cannot listen on a
    Unix socket or ask for a secret), so any local process, of any user, that finds it reaches Oxigraph directly,
    SERVICE included. The proxy guards the public port; it does not separate the users of one machine.

    SIGTERM, SIGINT or SIGHUP stop the server and remove its temporary database; on Linux the server also dies
    with `kg serve` when that is killed outright, and the next `kg serve` removes what such a kill left."""
    from kg.stores.serve import serve_release

    serve_release(release_dir, host, port, read_write, location, allow_service, echo=click.echo, timeout=timeout)
