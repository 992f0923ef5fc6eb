"""Stage 1, load: the record format, record files read and checked, names resolved to ids, quotes checked
against the source texts; the curation tools that write record files."""
