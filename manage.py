#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zielsteuerung.settings")
    # The command line of a checkout is development; the served application (wsgi.py,
    # asgi.py) runs with DEBUG off unless it is set. Production commands set DEBUG=0.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
