"""Foundations every stage imports: typed errors, settings and namespaces, RDF terms, XSD lexical forms,
safe file writing."""
