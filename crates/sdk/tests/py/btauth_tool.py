"""btauth/1 with the reference (bittensor 11.3): sign or verify, one JSON line.

usage: btauth_tool.py sign URI METHOD PATH BODY_HEX RECEIVER_OR_- NONCE
       btauth_tool.py verify HEADERS_JSON BODY_HEX METHOD PATH SELF_SS58
"""
import json
import sys

from bittensor.sp_core import Keypair
from bittensor import http_auth

if sys.argv[1] == "sign":
    uri, method, path, body_hex, receiver, nonce = sys.argv[2:8]
    kp = Keypair.create_from_uri(uri)
    h = http_auth.sign(kp, method=method, path=path, body=bytes.fromhex(body_hex),
                       receiver_ss58=None if receiver == "-" else receiver, nonce_ns=int(nonce))
    print(json.dumps(h))
else:
    headers, body_hex, method, path, me = sys.argv[2:7]
    try:
        c = http_auth.verify(json.loads(headers), bytes.fromhex(body_hex), method=method, path=path,
                             self_hotkey_ss58=me)
        print(json.dumps({"ok": c.hotkey_ss58}))
    except http_auth.AuthError as e:
        print(json.dumps({"error": type(e).__name__}))
