from . import status_page
from . import verification
from . import live
from . import actions
from . import appearance
from . import remember
from . import one_tap
