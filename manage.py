#!/usr/bin/env python
"""Same as the `tianmu` console script, for those who expect manage.py."""

from tianmu.cli import main

if __name__ == "__main__":
    main()
