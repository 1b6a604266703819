"""The `tianmu` console script: Django's manage.py under Tianmu's settings."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["genkey"]:
        # Production settings refuse to load without their keys, and this makes them.
        from tianmu.core.management.commands.genkey import print_key

        print_key(sys.argv[2:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianmu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
