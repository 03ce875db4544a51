"""Checks of the metrics against known answers: fitting the spam model, the validation report.

Both build real indexes of synthetic webs (and of the bundled sample) with the real pipeline.
"""
