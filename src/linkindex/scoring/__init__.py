"""How links become scores: the signals' rules, the Spam Score model, the rank and the 1-100 scale.

Pure: numpy arrays and rules in, scores out; used by the builder, the index and the API alike.
"""
