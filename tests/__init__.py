from . import test_status_history
from . import test_ticket_link
from . import test_status_page_config
from . import test_access
from . import test_notifications
from . import test_verification
from . import test_status_page_http
from . import test_status_page_tour
