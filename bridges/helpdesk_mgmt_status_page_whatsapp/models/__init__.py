from . import helpdesk_status_page
from . import helpdesk_status_page_challenge
from . import helpdesk_ticket
from . import mail_gateway_whatsapp
from . import mail_whatsapp_template
from . import mail_whatsapp_template_variable
from . import mail_notification
