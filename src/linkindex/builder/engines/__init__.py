"""The engines a build runs on: the interface the steps are run through, and DuckDB's.

A step never talks to an engine itself; builder/runner.py hands it its tables.
"""
