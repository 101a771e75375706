from . import test_whatsapp_status
from . import test_whatsapp_outbound
