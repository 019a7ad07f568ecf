"""Item pipelines (one per file) and the scoring engine they use."""
