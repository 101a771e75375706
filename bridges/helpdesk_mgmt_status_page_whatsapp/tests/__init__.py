from . import test_whatsapp_status
from . import test_whatsapp_codes
from . import test_whatsapp_inbound
from . import test_whatsapp_outbound
from . import test_whatsapp_batches
from . import test_whatsapp_admin_tour
