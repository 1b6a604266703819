"""The `tianmu` console script: Django's manage.py under Tianmu's settings."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["genkey"]:
        # Production settings refuse to load without their keys, and this makes them.
        from tianmu.core.management.commands.genkey import print_key

        print_key(sys.argv[2:])
        return
    if sys.argv[1:2] == ["match"]:
        # The optimiser is pure Python and reads no setting: no Django start-up, no system
        # checks (a second of a command that must finish within its solve time plus 1 s).
        from tianmu.matching.solver import cli

        sys.exit(cli.main(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianmu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
