"""Stage 6, release: the files a release folder holds, made from the judged statements — the serialisations
(`export`, `jsonld`), the folder itself (`folder`), its description (`metadata`, `crate`) and a nanopublication
per finding (`nanopubs`)."""
