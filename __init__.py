from . import tools
from . import controllers
from . import models
from .hooks import post_init_hook, uninstall_hook
