"""`mlsql token new|hash`: make owner tokens and the SHA-256 digests `server.tokens` stores.

`mlsql token new alice` prints a fresh random token (give it to alice) and the configuration line
holding only its digest; `mlsql token hash` prints the digest of a token read from standard input
(never from the command line, where `ps` would show it).
"""

from __future__ import annotations

import argparse
import secrets
import sys

TOKEN_BYTES = 32


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `token` sub-command."""
    parser = sub.add_parser("token", help="make owner tokens and their hashes (server.tokens)")
    actions = parser.add_subparsers(dest="action", required=True)
    new = actions.add_parser("new", help="a new random token for an owner, and its hash")
    new.add_argument("owner", help="the owner the token identifies")
    new.set_defaults(func=new_token)
    digest = actions.add_parser("hash", help="the SHA-256 of a token read from standard input")
    digest.set_defaults(func=hash_stdin)


def new_token(args: argparse.Namespace) -> int:
    """Print a new token and the `[server.tokens]` line for it."""
    from mlsql.engine.sandbox.roots import valid_owner
    from mlsql.server.services.security import hash_token

    if not valid_owner(args.owner):
        print(f"error: {args.owner!r} cannot be an owner name", file=sys.stderr)
        return 2
    token = secrets.token_urlsafe(TOKEN_BYTES)
    print(f"token (give it to {args.owner}; it is not stored): {token}")
    print("configuration ([server.tokens] in conf/mlsql.toml or the tokens file):")
    print(f'{args.owner} = "{hash_token(token)}"')
    return 0


def hash_stdin(args: argparse.Namespace) -> int:
    """Print the digest of the token on standard input (one line, surrounding blanks dropped)."""
    from mlsql.server.services.security import hash_token

    token = sys.stdin.readline().strip()
    if not token:
        print("error: no token on standard input", file=sys.stderr)
        return 2
    print(hash_token(token))
    return 0
