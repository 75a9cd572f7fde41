"""`python -m cablescope …`: the same CLI as the `cablescope` command."""

from cablescope.cli import app

if __name__ == "__main__":
    app()
