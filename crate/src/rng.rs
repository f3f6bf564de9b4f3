//! The simulation's own random number generator.
//!
//! Every random choice in a run comes from here, never from the operating system or a global
//! source, so that a seed reproduces a run bit for bit, natively and in WebAssembly, today and
//! in later versions. The generator is SplitMix64: tiny, fast, and defined entirely by integer
//! arithmetic that behaves the same on every target.
//!
//! Each concern (network, timers, swarm) draws from its own stream, so that turning on
//! message loss does not change, say, the timer backoffs of an otherwise identical run.

/// One independent stream of pseudo-random numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rng {
    state: u64,
}

/// The streams a simulation keeps apart. The numbers are part of the bit-stable contract: changing
/// one changes every recorded run.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Network = 1,
    Timers = 2,
    Swarm = 4,
    /// Which nodes a Monte Carlo run fails, and when.
    Failures = 8,
    /// The operations a scenario's workload gives its clients.
    Workload = 16,
}

impl Rng {
    /// The stream `stream` of the run seeded with `seed`.
    pub fn new(seed: u64, stream: Stream) -> Rng {
        // Mixing the stream number in through one SplitMix step keeps streams of nearby seeds apart.
        let mut mixer = Rng {
            state: seed ^ (stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03),
        };
        Rng {
            state: mixer.next_u64(),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, or 0 when `n` is 0. Uses the multiply-high method, which is unbiased
    /// enough for a simulation and needs no loop, so it always consumes exactly one draw.
    pub fn below(&mut self, n: u64) -> u64 {
        multiply_high(self.next_u64(), n)
    }

    /// A number in `min..=max` (with `min <= max`).
    pub fn between(&mut self, min: u64, max: u64) -> u64 {
        min + self.below(max - min + 1)
    }

    /// True with probability `p`. Always consumes exactly one draw, so that a probability of zero
    /// leaves the stream where a non-zero one would have left it.
    pub fn chance(&mut self, p: f64) -> bool {
        let unit = (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        unit < p
    }
}

/// The high 64 bits of the 128-bit product `a * b`.
#[cfg(not(target_arch = "wasm32"))]
fn multiply_high(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) >> 64) as u64
}

/// The high 64 bits of the 128-bit product `a * b`, without 128-bit arithmetic. Wasm has no
/// 128-bit multiply: `u128` arithmetic there calls a library routine, 2% of a swarm run's time
/// in V8. Every range a simulation draws from fits in 32 bits, which takes two multiplies; LLVM
/// turns the four-multiply form for wider ranges back into a 128-bit multiply, so that case
/// still calls the routine.
#[cfg(any(target_arch = "wasm32", test))]
fn multiply_high_without_u128(a: u64, b: u64) -> u64 {
    let (a_high, a_low) = (a >> 32, a & 0xFFFF_FFFF);
    if b >> 32 == 0 {
        // a * b = a_high * b * 2^32 + a_low * b, and both products fit in 64 bits; their sum's
        // high bits do not depend on the low 32 bits of the second.
        return (a_high * b + ((a_low * b) >> 32)) >> 32;
    }
    let (b_high, b_low) = (b >> 32, b & 0xFFFF_FFFF);
    let low = a_low * b_low;
    let middle_1 = a_high * b_low + (low >> 32);
    let middle_2 = a_low * b_high + (middle_1 & 0xFFFF_FFFF);
    a_high * b_high + (middle_1 >> 32) + (middle_2 >> 32)
}

#[cfg(target_arch = "wasm32")]
use multiply_high_without_u128 as multiply_high;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiply_high_without_u128_matches_u128() {
        let mut rng = Rng::new(7, Stream::Swarm);
        let edges = [0, 1, 2, 30, 0xFFFF_FFFF, 1 << 32, u64::MAX - 1, u64::MAX];
        for &a in &edges {
            for &b in &edges {
                assert_eq!(
                    multiply_high_without_u128(a, b),
                    multiply_high(a, b),
                    "{a} * {b}"
                );
            }
        }
        for _ in 0..100_000 {
            let (a, b) = (rng.next_u64(), rng.next_u64() >> (rng.next_u64() % 64));
            assert_eq!(
                multiply_high_without_u128(a, b),
                multiply_high(a, b),
                "{a} * {b}"
            );
        }
    }

    #[test]
    fn streams_are_bit_stable() {
        // These numbers are the contract that keeps old links replaying: if this test fails,
        // every recorded run has changed.
        let mut rng = Rng::new(42, Stream::Network);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            vec![
                0x3d9f_2659_5633_b8d3,
                0x0099_485f_6a89_4c67,
                0xda5b_283b_7a13_b4cc
            ]
        );
    }

    #[test]
    fn next_u64_is_reference_splitmix64() {
        // The first outputs of Vigna's splitmix64.c from state 1234567: the generator is the
        // published one, not a look-alike, so another implementation can reproduce our runs.
        let mut rng = Rng { state: 1_234_567 };
        let first: Vec<u64> = (0..5).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            vec![
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821
            ]
        );
    }

    #[test]
    fn streams_differ() {
        let a = Rng::new(7, Stream::Network).next_u64();
        let b = Rng::new(7, Stream::Timers).next_u64();
        assert_ne!(a, b);
    }

    #[test]
    fn between_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(1, Stream::Timers);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let x = rng.between(10, 14);
            assert!((10..=14).contains(&x));
            seen[(x - 10) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn chance_extremes() {
        let mut rng = Rng::new(3, Stream::Swarm);
        assert!((0..1000).all(|_| !rng.chance(0.0)));
        assert!((0..1000).all(|_| rng.chance(1.0)));
    }
}
