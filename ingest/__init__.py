"""Turning handbook files into indexed, citable chunks.

Flow: ``loaders`` read a file into sections -> ``manifest`` attaches the
document's metadata from ``knowledge/sources.yaml`` -> ``chunking`` splits
sections into chunks -> ``pipeline`` writes new/changed documents to the index.
"""
