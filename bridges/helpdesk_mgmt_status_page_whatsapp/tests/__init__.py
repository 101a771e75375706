from . import test_whatsapp_status
