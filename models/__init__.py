from . import helpdesk_ticket_stage
from . import helpdesk_status_page
from . import helpdesk_status_page_field
from . import helpdesk_ticket_team
from . import helpdesk_ticket_status_log
from . import helpdesk_ticket
from . import helpdesk_status_page_challenge
