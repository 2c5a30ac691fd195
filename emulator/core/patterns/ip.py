"""IP address literals as event-ruler recognises them (``Constants.IPv4_REGEX``/``IPv6_REGEX``).

Only text shaped like ``1.2.3.4`` or made of hex digits and colons (with at least one colon) is
tried as an address; anything else is an ordinary string. Addresses are compared as integers of
one family: an IPv4 network never contains an IPv6 value.
"""

from __future__ import annotations

import ipaddress
import re

from emulator.core.patterns import errors

_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6 = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")
_MASK = re.compile(r"[+-]?[0-9]+")

IpValue = tuple[int, int]  # (version, address as an integer)


def parse_ip(text: str) -> IpValue | None:
    """``(version, int)`` when ``text`` is an IP literal event-ruler would accept, else None."""
    if not (_IPV4.fullmatch(text) or _IPV6.fullmatch(text)):
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.version, int(address)


def parse_cidr(text: str) -> tuple[int, int, int]:
    """``(version, low, high)`` of a ``cidr`` operand; raises ``ValueError`` with AWS's reason.

    Quirks kept from event-ruler's ``CIDR.cidr``: the low end is the address as written (host
    bits are not cleared), and the mask must be < 32 for IPv4 and < 128 for IPv6.
    """
    pieces = text.split("/")
    if len(pieces) != 2:
        raise ValueError(errors.CIDR_ONE_SLASH)
    if not _MASK.fullmatch(pieces[1]):
        raise ValueError(errors.CIDR_MASK_NOT_INT)
    bits = int(pieces[1])
    if bits < 0:
        raise ValueError(errors.CIDR_MASK_NEGATIVE)
    parsed = parse_ip(pieces[0])
    if parsed is None:
        raise ValueError(errors.CIDR_BAD_IP.format(ip=pieces[0]))
    version, low = parsed
    width = 32 if version == 4 else 128
    if bits >= width:
        raise ValueError(errors.CIDR_IPV4_MASK if version == 4 else errors.CIDR_IPV6_MASK)
    return version, low, low | ((1 << (width - bits)) - 1)
