"""``python -m normnews``: the same as the ``normnews`` command."""

from normnews.cli import main

if __name__ == "__main__":
    main()
