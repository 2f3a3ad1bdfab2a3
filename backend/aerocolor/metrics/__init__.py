"""Scoring colorized images: FID, KID and IS through torch-fidelity (networks found offline,
features.py), paired measures and colourfulness (paired.py), and the report (evaluate.py)."""
from aerocolor.metrics.evaluate import EvalConfig, evaluate, format_report

__all__ = ["EvalConfig", "evaluate", "format_report"]
