"""Finding who and what fits a question: normalising, parsing, indexing, ranking, explaining; the live snapshot."""
