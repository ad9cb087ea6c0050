"""Synapses shared by the interop scripts: the subnet template's Dummy, and Hashed, whose
hash fields exercise Python's str() rules (quotes, unicode, floats, nested dicts)."""
import os

os.environ.setdefault("READ_ONLY", "1")  # bittensor 10 would create ~/.bittensor otherwise

import typing

import bittensor as bt
from bittensor.utils import networking

# The only patch the harness makes: Dendrite() looks up its public IP on the internet.
networking.get_external_ip = lambda: "127.0.0.1"


class Dummy(bt.Synapse):
    dummy_input: int
    dummy_output: typing.Optional[int] = None

    def deserialize(self) -> int:
        return self.dummy_output


class Hashed(bt.Synapse):
    text: str
    n: int
    values: typing.List[float]
    meta: dict
    out: typing.Optional[str] = None

    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("text", "n", "values", "meta")
