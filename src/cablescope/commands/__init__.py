"""CLI commands that live in their own modules; each registers itself on `cablescope.cli.app`.

`cablescope.cli` imports them at its end, so `cablescope --help` lists every command.
"""
