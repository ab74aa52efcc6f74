"""`python -m bot.console`: the console with settings from the ESSBOT_* environment."""
from bot.config import get_settings

from .app import serve

if __name__ == "__main__":
    serve(get_settings())
