"""The bittensor 10.x Dendrite against an axon on 127.0.0.1:PORT with hotkey AXON_SS58:
a battery of requests, one JSON line of results on stdout.

usage: dendrite_client.py PORT AXON_SS58 CALLER_URI STRANGER_URI

Cases: a Dummy call (right answer), a Hashed call (hash of non-trivial values), a tampered
body, a wrong signature, a replayed request, a stranger's (blacklisted) call.
"""
import asyncio
import json
import sys

import aiohttp
from bt_synapses import Dummy, Hashed, bt
from bittensor_wallet import Keypair

port, axon_ss58, caller_uri, stranger_uri = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
target = bt.AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=axon_ss58, coldkey=axon_ss58)


def hashed():
    return Hashed(
        text="it's a \"test\" é\u00a0中\n",
        n=-7,
        values=[0.1, 1e16, 2.0, -0.0, 1.5e-07],
        meta={"z": [1, None, True], "a": {"nested": "x'y"}, "f": 3.25},
    )


async def raw_post(dendrite, synapse, mutate):
    """Signs like the Dendrite, lets `mutate(headers, body)` tamper, posts, returns (status, message)."""
    synapse = dendrite.preprocess_synapse_for_request(target, synapse, 5.0)
    headers = synapse.to_headers()
    body = synapse.model_dump()
    mutate(headers, body)
    url = f"http://127.0.0.1:{port}/{synapse.__class__.__name__}"
    async with aiohttp.ClientSession() as s:
        out = []
        for _ in range(2 if mutate is replay else 1):
            async with s.post(url, headers=headers, json=body) as r:
                j = await r.json()
                out.append([r.status, j.get("message", r.headers.get("bt_header_axon_status_message"))])
    return out


def replay(headers, body):
    pass


async def main():
    caller = bt.Dendrite(wallet=Keypair.create_from_uri(caller_uri))
    stranger = bt.Dendrite(wallet=Keypair.create_from_uri(stranger_uri))
    res = {}
    r = await caller.forward(target, Dummy(dummy_input=21), timeout=5.0, deserialize=False)
    res["dummy"] = [r.dendrite.status_code, r.dendrite.status_message, r.dummy_output]
    r = await caller.forward(target, hashed(), timeout=5.0, deserialize=False)
    res["hashed"] = [r.dendrite.status_code, r.dendrite.status_message, r.out]

    def tamper(h, b):
        b["text"] = "tampered"

    def bad_sig(h, b):
        sig = h["bt_header_dendrite_signature"]
        h["bt_header_dendrite_signature"] = sig[:-2] + ("00" if sig[-2:] != "00" else "11")

    res["tampered"] = await raw_post(caller, hashed(), tamper)
    res["bad_signature"] = await raw_post(caller, hashed(), bad_sig)
    res["replayed"] = await raw_post(caller, Dummy(dummy_input=1), replay)
    r = await stranger.forward(target, Dummy(dummy_input=2), timeout=5.0, deserialize=False)
    res["stranger"] = [r.dendrite.status_code, r.dendrite.status_message]
    await caller.aclose_session()
    await stranger.aclose_session()
    print(json.dumps(res), flush=True)


asyncio.run(main())
