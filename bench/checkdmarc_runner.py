"""Run checkdmarc on domains against one nameserver; print wall time and packets sent as JSON.

Executed by the benchmark with the separate benchmark venv's Python (checkdmarc is not a project
dependency). A socket guard refuses any destination outside 127.0.0.0/8 and counts what is sent,
so nothing leaves the machine whatever checkdmarc tries (MTA-STS fetches, system resolver).
Usage: python checkdmarc_runner.py NAMESERVER_IP DOMAIN...
"""

import ipaddress
import json
import socket
import sys
import time

SENT = {"udp": 0, "tcp": 0, "blocked": 0}
_orig_sendto = socket.socket.sendto
_orig_send = socket.socket.send
_orig_connect = socket.socket.connect
_orig_connect_ex = socket.socket.connect_ex


def _check(address):
    host = address[0] if isinstance(address, tuple) else address
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        SENT["blocked"] += 1
        raise OSError(f"benchmark guard: refusing to reach {host}")


def _sendto(self, data, *args):
    _check(args[-1])
    SENT["udp"] += 1
    return _orig_sendto(self, data, *args)


def _send(self, data, *args):
    if self.type == socket.SOCK_DGRAM:
        SENT["udp"] += 1
    return _orig_send(self, data, *args)


def _connect(self, address):
    _check(address)
    if self.type == socket.SOCK_STREAM:
        SENT["tcp"] += 1
    return _orig_connect(self, address)


def _connect_ex(self, address):
    _check(address)
    return _orig_connect_ex(self, address)


socket.socket.sendto = _sendto
socket.socket.send = _send
socket.socket.connect = _connect
socket.socket.connect_ex = _connect_ex
_orig_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    try:
        if ipaddress.ip_address(host).is_loopback:
            return _orig_getaddrinfo(host, *args, **kwargs)
    except ValueError:
        pass
    SENT["blocked"] += 1
    raise socket.gaierror(f"benchmark guard: no name resolution for {host}")


socket.getaddrinfo = _getaddrinfo


def main():
    import checkdmarc  # pyright: ignore[reportMissingImports]  (the benchmark venv only)

    nameserver, domains = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    results = checkdmarc.check_domains(
        domains, nameservers=[nameserver], timeout=2.0, skip_tls=True, bimi_selector=None
    )
    elapsed = time.monotonic() - start
    if isinstance(results, dict):
        results = [results]
    spf_valid = sum(1 for r in results if r.get("spf", {}).get("valid"))
    dmarc_valid = sum(1 for r in results if r.get("dmarc", {}).get("valid"))
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "queries": SENT["udp"] + SENT["tcp"],
                "blocked": SENT["blocked"],
                "spf_valid": spf_valid,
                "dmarc_valid": dmarc_valid,
                "version": checkdmarc.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
