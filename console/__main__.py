"""``python -m console`` and the ``siaga`` script: arguments → settings → app."""

from console.cli import main

if __name__ == "__main__":
    main()
