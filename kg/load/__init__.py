"""Stage 1, load: record files read and checked against the record format (kg.schema), names resolved to ids,
quotes checked against the source texts; the curation tools that write record files."""
