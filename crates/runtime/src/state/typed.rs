//! Typed storage items over the byte-level [`Overlay`].
//!
//! A storage item is declared once as a `const` with a unique name and a default:
//!
//! ```ignore
//! pub const TEMPO: Map<NetUid, u16> = Map::new("Tempo", || 360);
//! ```
//!
//! The raw key of an entry is `name ‖ 0x00 ‖ key parts`. Names contain no NUL byte, so no
//! item's keys are a prefix of another item's. Key parts are encoded so that byte order equals
//! value order (big-endian integers, raw account bytes), which makes iteration over a map, or
//! over all entries sharing a first key part, come out sorted by key. Values are SCALE.
//!
//! Reads of an absent entry return the item's default, as Substrate's `ValueQuery` does; a
//! stored value that fails to decode (impossible unless the state was corrupted outside the
//! runtime) also reads as the default.

use std::marker::PhantomData;

use agora_primitives::AccountId;
use parity_scale_codec::{Decode, Encode};

use super::Overlay;

/// A key component with an order-preserving, self-delimiting byte encoding.
pub trait KeyPart: Sized {
    /// Appends the encoding of `self`.
    fn encode_key(&self, out: &mut Vec<u8>);
    /// Reads one value from the front of `input`, advancing it.
    fn decode_key(input: &mut &[u8]) -> Option<Self>;
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if input.len() < n {
        return None;
    }
    let (head, tail) = input.split_at(n);
    *input = tail;
    Some(head)
}

macro_rules! int_key {
    ($($t:ty),*) => {$(
        impl KeyPart for $t {
            fn encode_key(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_be_bytes());
            }
            fn decode_key(input: &mut &[u8]) -> Option<Self> {
                let bytes = take(input, std::mem::size_of::<$t>())?;
                Some(<$t>::from_be_bytes(bytes.try_into().ok()?))
            }
        }
    )*};
}
int_key!(u8, u16, u32, u64, u128);

impl KeyPart for bool {
    fn encode_key(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn decode_key(input: &mut &[u8]) -> Option<Self> {
        match take(input, 1)? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl KeyPart for [u8; 32] {
    fn encode_key(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode_key(input: &mut &[u8]) -> Option<Self> {
        take(input, 32)?.try_into().ok()
    }
}

impl KeyPart for AccountId {
    fn encode_key(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
    fn decode_key(input: &mut &[u8]) -> Option<Self> {
        Some(AccountId(<[u8; 32]>::decode_key(input)?))
    }
}

impl KeyPart for () {
    fn encode_key(&self, _out: &mut Vec<u8>) {}
    fn decode_key(_input: &mut &[u8]) -> Option<Self> {
        Some(())
    }
}

impl<A: KeyPart, B: KeyPart> KeyPart for (A, B) {
    fn encode_key(&self, out: &mut Vec<u8>) {
        self.0.encode_key(out);
        self.1.encode_key(out);
    }
    fn decode_key(input: &mut &[u8]) -> Option<Self> {
        Some((A::decode_key(input)?, B::decode_key(input)?))
    }
}

impl<A: KeyPart, B: KeyPart, C: KeyPart> KeyPart for (A, B, C) {
    fn encode_key(&self, out: &mut Vec<u8>) {
        self.0.encode_key(out);
        self.1.encode_key(out);
        self.2.encode_key(out);
    }
    fn decode_key(input: &mut &[u8]) -> Option<Self> {
        Some((
            A::decode_key(input)?,
            B::decode_key(input)?,
            C::decode_key(input)?,
        ))
    }
}

fn item_prefix(name: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(name.len() + 1 + 40);
    k.extend_from_slice(name.as_bytes());
    k.push(0);
    k
}

/// A single stored value with a default.
pub struct Value<V> {
    name: &'static str,
    default: fn() -> V,
}

impl<V: Encode + Decode> Value<V> {
    /// Declares the item `name` with the given default.
    pub const fn new(name: &'static str, default: fn() -> V) -> Self {
        Self { name, default }
    }

    /// The item's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    fn key(&self) -> Vec<u8> {
        item_prefix(self.name)
    }

    /// The stored value, or the default.
    pub fn get(&self, st: &Overlay<'_>) -> V {
        self.try_get(st).unwrap_or_else(self.default)
    }

    /// The stored value, if one is stored.
    pub fn try_get(&self, st: &Overlay<'_>) -> Option<V> {
        st.get(&self.key())
            .and_then(|raw| V::decode(&mut raw.as_slice()).ok())
    }

    /// Stores `value`.
    pub fn put(&self, st: &mut Overlay<'_>, value: &V) {
        st.put(self.key(), value.encode());
    }

    /// Removes the stored value (reads return the default again).
    pub fn kill(&self, st: &mut Overlay<'_>) {
        st.delete(self.key());
    }

    /// Reads, changes and writes back the value; returns what `f` returns.
    pub fn mutate<R>(&self, st: &mut Overlay<'_>, f: impl FnOnce(&mut V) -> R) -> R {
        let mut v = self.get(st);
        let r = f(&mut v);
        self.put(st, &v);
        r
    }

    /// True if a value is stored.
    pub fn exists(&self, st: &Overlay<'_>) -> bool {
        st.contains(&self.key())
    }
}

/// A map from `K` to `V` with a default for absent keys.
pub struct Map<K, V> {
    name: &'static str,
    default: fn() -> V,
    _key: PhantomData<fn() -> K>,
}

impl<K: KeyPart, V: Encode + Decode> Map<K, V> {
    /// Declares the map `name` with the given default.
    pub const fn new(name: &'static str, default: fn() -> V) -> Self {
        Self {
            name,
            default,
            _key: PhantomData,
        }
    }

    /// The item's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The default value of absent keys.
    pub fn default_value(&self) -> V {
        (self.default)()
    }

    /// The raw key of `key`.
    pub fn raw_key(&self, key: &K) -> Vec<u8> {
        let mut k = item_prefix(self.name);
        key.encode_key(&mut k);
        k
    }

    /// The stored value under `key`, or the default.
    pub fn get(&self, st: &Overlay<'_>, key: &K) -> V {
        self.try_get(st, key).unwrap_or_else(self.default)
    }

    /// The stored value under `key`, if one is stored.
    pub fn try_get(&self, st: &Overlay<'_>, key: &K) -> Option<V> {
        st.get(&self.raw_key(key))
            .and_then(|raw| V::decode(&mut raw.as_slice()).ok())
    }

    /// True if a value is stored under `key`.
    pub fn contains(&self, st: &Overlay<'_>, key: &K) -> bool {
        st.contains(&self.raw_key(key))
    }

    /// Stores `value` under `key`.
    pub fn insert(&self, st: &mut Overlay<'_>, key: &K, value: &V) {
        st.put(self.raw_key(key), value.encode());
    }

    /// Removes the entry under `key`.
    pub fn remove(&self, st: &mut Overlay<'_>, key: &K) {
        st.delete(self.raw_key(key));
    }

    /// Removes and returns the entry under `key`.
    pub fn take(&self, st: &mut Overlay<'_>, key: &K) -> Option<V> {
        let v = self.try_get(st, key);
        if v.is_some() {
            self.remove(st, key);
        }
        v
    }

    /// Reads (default if absent), changes and writes back; returns what `f` returns.
    pub fn mutate<R>(&self, st: &mut Overlay<'_>, key: &K, f: impl FnOnce(&mut V) -> R) -> R {
        let mut v = self.get(st, key);
        let r = f(&mut v);
        self.insert(st, key, &v);
        r
    }

    /// Every stored entry, sorted by key.
    pub fn iter(&self, st: &Overlay<'_>) -> Vec<(K, V)> {
        self.iter_raw(st, &item_prefix(self.name))
    }

    /// Every stored key, sorted.
    pub fn keys(&self, st: &Overlay<'_>) -> Vec<K> {
        self.iter(st).into_iter().map(|(k, _)| k).collect()
    }

    /// Removes every entry of the map.
    pub fn clear(&self, st: &mut Overlay<'_>) {
        st.delete_prefix(&item_prefix(self.name));
    }

    /// Up to `limit` keys after the raw key `after` (from the first key if `None`), in key
    /// order, each with its raw key (a cursor for the next call). Reads only what it returns.
    pub fn keys_after(
        &self,
        st: &Overlay<'_>,
        after: Option<&[u8]>,
        limit: usize,
    ) -> Vec<(Vec<u8>, K)> {
        let prefix = item_prefix(self.name);
        let skip = prefix.len();
        st.scan_prefix_after(&prefix, after, limit)
            .into_iter()
            .filter_map(|(k, _)| {
                let mut rest = k.get(skip..)?;
                let key = K::decode_key(&mut rest)?;
                Some((k, key))
            })
            .collect()
    }

    fn iter_raw(&self, st: &Overlay<'_>, prefix: &[u8]) -> Vec<(K, V)> {
        let skip = item_prefix(self.name).len();
        st.scan_prefix(prefix)
            .into_iter()
            .filter_map(|(k, v)| {
                let mut rest = k.get(skip..)?;
                let key = K::decode_key(&mut rest)?;
                let value = V::decode(&mut v.as_slice()).ok()?;
                Some((key, value))
            })
            .collect()
    }
}

impl<A: KeyPart, B: KeyPart, V: Encode + Decode> Map<(A, B), V> {
    fn first_prefix(&self, first: &A) -> Vec<u8> {
        let mut k = item_prefix(self.name);
        first.encode_key(&mut k);
        k
    }

    /// Every entry whose first key part is `first`, sorted by the second part.
    pub fn iter_prefix(&self, st: &Overlay<'_>, first: &A) -> Vec<(B, V)> {
        self.iter_raw(st, &self.first_prefix(first))
            .into_iter()
            .map(|((_, b), v)| (b, v))
            .collect()
    }

    /// Removes every entry whose first key part is `first`.
    pub fn clear_prefix(&self, st: &mut Overlay<'_>, first: &A) {
        st.delete_prefix(&self.first_prefix(first));
    }
}

impl<A: KeyPart, B: KeyPart, C: KeyPart, V: Encode + Decode> Map<(A, B, C), V> {
    fn first_prefix3(&self, first: &A) -> Vec<u8> {
        let mut k = item_prefix(self.name);
        first.encode_key(&mut k);
        k
    }

    /// Every entry whose first key part is `first`.
    pub fn iter_prefix1(&self, st: &Overlay<'_>, first: &A) -> Vec<((B, C), V)> {
        self.iter_raw(st, &self.first_prefix3(first))
            .into_iter()
            .map(|((_, b, c), v)| ((b, c), v))
            .collect()
    }

    /// Removes every entry whose first key part is `first`.
    pub fn clear_prefix1(&self, st: &mut Overlay<'_>, first: &A) {
        st.delete_prefix(&self.first_prefix3(first));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemBackend;

    const M: Map<(u16, u16), u64> = Map::new("M", || 7);
    const N: Map<u16, u64> = Map::new("MN", || 0);

    #[test]
    fn defaults_iteration_order_and_prefixes() {
        let b = MemBackend::new();
        let mut st = Overlay::new(&b);
        assert_eq!(M.get(&st, &(1, 2)), 7);
        M.insert(&mut st, &(2, 300), &1);
        M.insert(&mut st, &(2, 5), &2);
        M.insert(&mut st, &(1, 9), &3);
        N.insert(&mut st, &1, &4);
        assert_eq!(M.iter_prefix(&st, &2), vec![(5, 2), (300, 1)]);
        assert_eq!(M.keys(&st), vec![(1, 9), (2, 5), (2, 300)]);
        M.clear_prefix(&mut st, &2);
        assert_eq!(M.iter(&st), vec![((1, 9), 3)]);
        assert_eq!(N.iter(&st), vec![(1, 4)]);
    }
}
