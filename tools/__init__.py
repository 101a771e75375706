# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure rules of the status page: plain Python, no ORM, no database.

The models and controllers decide what to apply them to (which country, which
key, which calendar); these functions only compute, so that their unit tests
(``tests/test_tools.py``) run without a database.
"""

from . import code
from . import colour
from . import contact
from . import date_format
from . import frozen
from . import html
from . import limits
from . import number
from . import quiet_hours
from . import session
from . import statuses
from . import text
from . import time_zone
from . import upload
from . import working_days
