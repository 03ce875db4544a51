"""The HTTP layer: the Moz Links API V2 over the current index snapshot."""
