"""Stage 0, schema: the model declared once — the record format's sections and fields, the kinds of value, each
property's label and definition — and what is generated from it: the ontology's properties, the SHACL Core
property shapes, the JSON Schema of record files and the curator's reference."""
