"""Creates or opens a wallet with the reference wallet code (bittensor_wallet, as installed
with bittensor 10.5), printing one JSON line.

usage: wallet_tool.py create|open ROOT NAME HOTKEY PASSWORD
"""
import json
import sys

from bittensor_wallet import Wallet

mode, root, name, hotkey, password = sys.argv[1:6]
w = Wallet(name=name, hotkey=hotkey, path=root)
if mode == "create":
    w.create_new_coldkey(n_words=12, use_password=True, overwrite=True, suppress=True, coldkey_password=password)
    w.create_new_hotkey(n_words=12, use_password=False, overwrite=True, suppress=True)
cold = w.get_coldkey(password=password)
hot = w.get_hotkey()
print(json.dumps({
    "coldkey": cold.ss58_address,
    "coldkeypub": w.get_coldkeypub().ss58_address,
    "hotkey": hot.ss58_address,
    "hotkeypub": w.get_hotkeypub().ss58_address,
    "coldkey_signature": "0x" + cold.sign(b"agora wallet interop").hex(),
    "hotkey_signature": "0x" + hot.sign(b"agora wallet interop").hex(),
}))
