//! Wire helpers shared by the info structs: SCALE wrappers for the reference's
//! `Vec<Compact<T>>` and `(AccountId, Compact<u64>)` shapes, and the JSON forms of accounts,
//! fixed-point numbers and the stored types the structs embed (see [`super`] for the
//! conventions).

use agora_primitives::{AccountId, I32F32, I96F32, U64F64};
use parity_scale_codec::{Compact, Decode, Encode, Input, Output};
use serde::ser::{SerializeSeq, SerializeStruct, SerializeTuple};
use serde::{Serialize, Serializer};

use crate::types::{AxonInfo, ChainIdentity, PrometheusInfo, SubnetIdentity};

/// A vector encoded as the reference's `Vec<Compact<T>>` (length prefix, then each element
/// compact); JSON: an array of the plain values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactVec<T>(pub Vec<T>);

impl<T> From<Vec<T>> for CompactVec<T> {
    fn from(v: Vec<T>) -> Self {
        Self(v)
    }
}

impl<T: Copy> Encode for CompactVec<T>
where
    Compact<T>: Encode,
{
    fn encode_to<O: Output + ?Sized>(&self, dest: &mut O) {
        let n = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        Compact(n).encode_to(dest);
        for x in &self.0 {
            Compact(*x).encode_to(dest);
        }
    }
}

impl<T> Decode for CompactVec<T>
where
    Compact<T>: Decode,
{
    fn decode<I: Input>(input: &mut I) -> Result<Self, parity_scale_codec::Error> {
        let n = Compact::<u32>::decode(input)?.0;
        // Each element takes at least one byte: bound the allocation by the input.
        let cap = usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(input.remaining_len()?.unwrap_or(0));
        let mut out = Vec::with_capacity(cap);
        for _ in 0..n {
            out.push(Compact::<T>::decode(input)?.0);
        }
        Ok(Self(out))
    }
}

impl<T: Serialize> Serialize for CompactVec<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// `(AccountId, Compact<u64>)`, e.g. a coldkey and its stake; JSON `["<ss58>", amount]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AccountAmount(pub AccountId, #[codec(compact)] pub u64);

impl Serialize for AccountAmount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.0.to_string())?;
        t.serialize_element(&self.1)?;
        t.end()
    }
}

/// `(Compact<u16>, Compact<u16>)`, a weight or bond entry; JSON `[uid, value]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct UidValue(#[codec(compact)] pub u16, #[codec(compact)] pub u16);

/// JSON of an account: its SS58 address (prefix 42).
pub fn ss58<S: Serializer>(a: &AccountId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.to_string())
}

/// JSON of an account list: SS58 addresses.
pub fn ss58_vec<S: Serializer>(v: &[AccountId], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for a in v {
        seq.serialize_element(&a.to_string())?;
    }
    seq.end()
}

/// JSON of an optional account.
pub fn ss58_opt<S: Serializer>(a: &Option<AccountId>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => s.serialize_some(&a.to_string()),
        None => s.serialize_none(),
    }
}

/// JSON of an optional account list (selective metagraph).
pub fn ss58_vec_opt<S: Serializer>(v: &Option<Vec<AccountId>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_some(&v.iter().map(ToString::to_string).collect::<Vec<_>>()),
        None => s.serialize_none(),
    }
}

/// JSON of a `u128`: a decimal string (JSON numbers above 2^53 are lossy in many clients).
pub fn u128_str<S: Serializer>(x: &u128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&x.to_string())
}

/// JSON of an optional `u128`.
pub fn u128_str_opt<S: Serializer>(x: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => s.serialize_some(&x.to_string()),
        None => s.serialize_none(),
    }
}

/// Renders `bits / 2^frac` exactly for an unsigned value (trailing zeros trimmed).
pub fn unsigned_decimal(bits: u128, frac_bits: u32) -> String {
    let int_part = bits.checked_shr(frac_bits).unwrap_or(0);
    let mask = 1u128.checked_shl(frac_bits).map_or(u128::MAX, |m| m - 1);
    let mut frac = bits & mask;
    let mut out = int_part.to_string();
    if frac != 0 {
        out.push('.');
        // frac < 2^frac_bits ≤ 2^64, so frac · 10 fits in u128.
        while frac != 0 {
            frac = frac.saturating_mul(10);
            let digit = frac.checked_shr(frac_bits).unwrap_or(0);
            frac &= mask;
            out.push(char::from(
                b'0'.saturating_add(u8::try_from(digit).unwrap_or(0)),
            ));
        }
    }
    out
}

/// Exact decimal text of an `I96F32`.
pub fn i96f32_text(x: &I96F32) -> String {
    agora_primitives::decimal::to_exact_decimal(x.to_bits(), 32)
}

/// JSON of an `I96F32`: its exact decimal text.
pub fn i96f32<S: Serializer>(x: &I96F32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&i96f32_text(x))
}

/// JSON of an optional `I96F32`.
pub fn i96f32_opt<S: Serializer>(x: &Option<I96F32>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => s.serialize_some(&i96f32_text(x)),
        None => s.serialize_none(),
    }
}

/// JSON of an `I32F32`: its exact decimal text.
pub fn i32f32<S: Serializer>(x: &I32F32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&agora_primitives::decimal::to_exact_decimal(
        i128::from(x.to_bits()),
        32,
    ))
}

/// JSON of a `U64F64`: its exact decimal text.
pub fn u64f64<S: Serializer>(x: &U64F64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&unsigned_decimal(x.to_bits(), 64))
}

fn bytes<S: SerializeStruct>(st: &mut S, name: &'static str, v: &[u8]) -> Result<(), S::Error> {
    st.serialize_field(name, v)
}

impl Serialize for AxonInfo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("AxonInfo", 8)?;
        st.serialize_field("block", &self.block)?;
        st.serialize_field("version", &self.version)?;
        st.serialize_field("ip", &self.ip.to_string())?;
        st.serialize_field("port", &self.port)?;
        st.serialize_field("ip_type", &self.ip_type)?;
        st.serialize_field("protocol", &self.protocol)?;
        st.serialize_field("placeholder1", &self.placeholder1)?;
        st.serialize_field("placeholder2", &self.placeholder2)?;
        st.end()
    }
}

impl Serialize for PrometheusInfo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PrometheusInfo", 5)?;
        st.serialize_field("block", &self.block)?;
        st.serialize_field("version", &self.version)?;
        st.serialize_field("ip", &self.ip.to_string())?;
        st.serialize_field("port", &self.port)?;
        st.serialize_field("ip_type", &self.ip_type)?;
        st.end()
    }
}

impl Serialize for ChainIdentity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ChainIdentityV2", 7)?;
        bytes(&mut st, "name", &self.name)?;
        bytes(&mut st, "url", &self.url)?;
        bytes(&mut st, "github_repo", &self.github_repo)?;
        bytes(&mut st, "image", &self.image)?;
        bytes(&mut st, "discord", &self.discord)?;
        bytes(&mut st, "description", &self.description)?;
        bytes(&mut st, "additional", &self.additional)?;
        st.end()
    }
}

impl Serialize for SubnetIdentity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SubnetIdentityV3", 8)?;
        bytes(&mut st, "subnet_name", &self.subnet_name)?;
        bytes(&mut st, "github_repo", &self.github_repo)?;
        bytes(&mut st, "subnet_contact", &self.subnet_contact)?;
        bytes(&mut st, "subnet_url", &self.subnet_url)?;
        bytes(&mut st, "discord", &self.discord)?;
        bytes(&mut st, "description", &self.description)?;
        bytes(&mut st, "logo_url", &self.logo_url)?;
        bytes(&mut st, "additional", &self.additional)?;
        st.end()
    }
}
