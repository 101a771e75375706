# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The main statuses of the customer timeline, every stage being in one."""

# In timeline order: (value, English label).
MAIN_STATUSES = [
    ("received", "Received"),
    ("in_progress", "In progress"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
]
# The team still owes the customer an answer. Moving from a finishing
# status back to an open one re-opens a ticket.
OPEN_STATUSES = ("received", "in_progress")
FINISHING_STATUSES = ("resolved", "closed")
