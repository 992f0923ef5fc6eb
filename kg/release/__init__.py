"""Stage 6, release: the files a release folder holds, made from the judged statements — the folder and its one
writer (`folder`), the serialisations (`export`, `jsonld`), a framed document per intervention (`framed`), the
description of the files (`description`, `metadata`, `crate`) and a nanopublication per finding (`nanopubs`)."""
