"""Finding the passages that answer a question: query analysis, hybrid search, fusion, context."""
