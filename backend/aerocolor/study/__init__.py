"""The study runner: a spec of variants, each trained and scored alike, and the report."""
