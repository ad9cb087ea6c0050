//! Seeded random numbers: the only source of randomness in a simulation.
//!
//! Every agent draws from its own stream, derived from the scenario seed and a label that
//! names the agent (`"subnet 1/miner 7"`), so the numbers an agent sees do not depend on
//! how many other agents exist or in which order they act. The generator is xoshiro256**
//! seeded through SplitMix64 (the seeding its authors recommend); it is small, fast and has
//! no dependency.
//!
//! Normal deviates use the Box–Muller transform with the standard library's `ln`, `sqrt`
//! and `cos`. Those are IEEE-exact or correctly rounded on every platform we build for in
//! practice, but Rust does not promise it, so a run is bit-reproducible for a given seed
//! on one platform and toolchain; the runtime's own arithmetic (all of consensus) is exact
//! everywhere.

use agora_primitives::hashing::blake2_256;

/// A seeded pseudo-random stream.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
    spare: Option<f64>,
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream from a 64-bit seed.
    pub fn new(seed: u64) -> Self {
        let mut st = seed;
        let s = [
            splitmix(&mut st),
            splitmix(&mut st),
            splitmix(&mut st),
            splitmix(&mut st),
        ];
        Self { s, spare: None }
    }

    /// The stream named `label` under `seed`: independent of every other label.
    pub fn stream(seed: u64, label: &str) -> Self {
        let mut input = seed.to_le_bytes().to_vec();
        input.extend_from_slice(label.as_bytes());
        let h = blake2_256(&input);
        let mut word = [0u8; 8];
        word.copy_from_slice(&h[..8]);
        Self::new(u64::from_le_bytes(word))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform deviate in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        // 2^-53: the spacing of doubles in [0.5, 1).
        const SCALE: f64 = 1.0 / 9_007_199_254_740_992.0;
        // A 53-bit integer is exact in f64.
        let x = (self.next_u64() >> 11) as f64;
        x * SCALE
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.uniform() < p
    }

    /// A uniform integer in `0..n` (`n > 0`), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// A standard normal deviate (Box–Muller; the second value of each pair is kept).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - u is in (0, 1], so ln never sees 0.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }

    /// A normal deviate with the given mean and standard deviation.
    pub fn gauss(&mut self, mean: f64, sd: f64) -> f64 {
        if sd == 0.0 {
            return mean;
        }
        mean + sd * self.normal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(1, "a").next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Rng::stream(1, "a");
        let mut y = Rng::stream(1, "b");
        let mut z = Rng::stream(2, "a");
        let xs: Vec<u64> = (0..8).map(|_| x.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| y.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| z.next_u64()).collect();
        assert_ne!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn moments_are_plausible() {
        let mut r = Rng::new(42);
        let n = 20_000;
        let mut sum = 0.0;
        let mut sq = 0.0;
        let mut u_sum = 0.0;
        for _ in 0..n {
            let z = r.normal();
            sum += z;
            sq += z * z;
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            u_sum += u;
        }
        let nf = f64::from(n);
        assert!((sum / nf).abs() < 0.03, "mean {}", sum / nf);
        assert!((sq / nf - 1.0).abs() < 0.05, "variance {}", sq / nf);
        assert!((u_sum / nf - 0.5).abs() < 0.01);
        assert!((0..1000).all(|_| r.below(7) < 7));
    }
}
