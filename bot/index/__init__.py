"""The search index: embeddings, the Chroma vector store, the BM25 index and the chunk catalog."""
