"""A bittensor 10.x Axon serving Dummy and Hashed on 127.0.0.1:PORT as hotkey URI, allowing
only the ALLOW hotkeys (the template miner's blacklist). Prints "ready" when serving.

usage: axon_server.py PORT HOTKEY_URI WALLET_DIR [ALLOW_SS58 ...]
"""
import sys
import time
import typing

from bt_synapses import Dummy, Hashed, bt
from bittensor_wallet import Keypair, Wallet

port, uri, wallet_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
allow = set(sys.argv[4:])
kp = Keypair.create_from_uri(uri)
wallet = Wallet(name="axon", hotkey="default", path=wallet_dir)
wallet.set_hotkey(kp, encrypt=False, overwrite=True)
wallet.set_coldkeypub(kp, overwrite=True)


def forward_dummy(synapse: Dummy) -> Dummy:
    synapse.dummy_output = synapse.dummy_input * 2
    return synapse


def blacklist_dummy(synapse: Dummy) -> typing.Tuple[bool, str]:
    if allow and synapse.dendrite.hotkey not in allow:
        return True, "Unrecognized hotkey"
    return False, "Hotkey recognized!"


def forward_hashed(synapse: Hashed) -> Hashed:
    synapse.out = f"{synapse.text}|{synapse.n}|{synapse.values!r}|{synapse.meta!r}"
    return synapse


def blacklist_hashed(synapse: Hashed) -> typing.Tuple[bool, str]:
    if allow and synapse.dendrite.hotkey not in allow:
        return True, "Unrecognized hotkey"
    return False, "Hotkey recognized!"


axon = bt.Axon(wallet=wallet, port=port, ip="127.0.0.1", external_ip="127.0.0.1")
axon.attach(forward_fn=forward_dummy, blacklist_fn=blacklist_dummy)
axon.attach(forward_fn=forward_hashed, blacklist_fn=blacklist_hashed)
axon.start()
import socket
for _ in range(600):  # uvicorn binds in a thread: wait until the port accepts
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.05)
print("ready", flush=True)
while True:
    time.sleep(3600)
