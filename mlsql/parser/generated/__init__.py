"""ANTLR-generated MLSQL lexer, parser and visitor: do not edit.

Regenerate with `python -m mlsql.parser.regenerate` after changing grammar/MLSQL.g4.
"""
