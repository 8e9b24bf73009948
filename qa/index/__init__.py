"""The index: generations on disk (`generations`), one loaded for questions (`loaded.Index`), the builder
of the next one (`builder.IndexBuilder`), and the filters and lexical index over its chunks."""
