"""Evaluation and benchmarks: the figures every retrieval or answering change is judged by."""
