from . import status_page
