//! Random streams (docs/src/reliability.md, Reproducibility). Each chunk of
//! trials has its own ChaCha8 stream, and inside it each trial starts at a
//! fixed word offset, so trial `i` draws the same numbers whatever the trial
//! count, chunk split or thread count. Separate keys per purpose (risks, reps,
//! units, account losses) keep common random numbers aligned between scenarios:
//! adding a rep does not shift the draws of units.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

/// Trials per chunk. Fixed, never derived from the thread count: it is part
/// of what makes results reproducible, and recorded in every result.
pub const CHUNK_SIZE: u64 = 1024;

/// Recorded in results so a reader knows how the numbers were drawn.
pub const GENERATOR: &str =
    "ChaCha8 (rand 0.10): one stream per chunk, 2^32 words per trial, keys per purpose";

/// What a stream is used for; each purpose has its own key.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    Risks = 1,
    Reps = 2,
    Units = 3,
    AccountLoss = 4,
    /// Latin hypercube permutations of a chunk.
    Strata = 5,
    /// Deal counts and sizes of units with deal lumpiness.
    Deals = 6,
    /// The deal quantile tables of a run (the stream is the deal class).
    DealTables = 7,
}

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for one purpose within one chunk.
pub fn chunk_rng(seed: u64, purpose: Purpose, chunk: u64) -> ChaCha8Rng {
    let mut state = seed ^ (purpose as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut key = [0u8; 32];
    for c in key.chunks_exact_mut(8) {
        c.copy_from_slice(&splitmix(&mut state).to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(chunk);
    rng
}

/// Moves a chunk's generator to the start of trial `i` of the chunk.
#[inline]
pub fn seek_trial(rng: &mut ChaCha8Rng, trial_in_chunk: u64) {
    rng.set_word_pos(u128::from(trial_in_chunk) << 32);
}
