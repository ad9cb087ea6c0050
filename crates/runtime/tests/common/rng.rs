//! SplitMix64, a tiny deterministic generator: the tests and `benches/epoch.rs` (which includes
//! this file with `#[path]`) draw seeded pseudo-random inputs from it, so every run sees the
//! same ones.

/// The SplitMix64 generator; the field is the state (the seed to start with).
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0) by modulo; the modulo bias is irrelevant where it is
    /// used.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}
