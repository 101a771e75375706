# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rate limits counted over a sliding window, and the network an address is
counted in."""

import ipaddress
from datetime import timedelta


def get_next_slot(times, cap, window, now):
    """When the next event may pass a limit of ``cap`` events per
    ``window``, given the times of the events counted so far.

    :param times: datetimes of the events counted, newest first
    :param int cap: events allowed per window; 0 allows none
    :param timedelta window: how far back events count
    :param datetime now: the time of the next event
    :return: None when it may pass now; else when it may (the cap-th latest
        event then leaves the window); False when it never may (cap 0)
    """
    if cap <= 0:
        return False
    if window <= timedelta(0):
        return None  # an empty window counts nothing (a resend delay of 0)
    recent = [moment for moment in times if moment > now - window]
    if len(recent) < cap:
        return None
    return recent[cap - 1] + window


def get_ip_key(ip):
    """The network a limit counts ``ip`` in: an IPv4 address alone, an
    IPv6 address with its /64 (one customer's line or LAN gets a whole
    /64, and picks any address in it); anything else as given."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return (ip or "")[:64]
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
