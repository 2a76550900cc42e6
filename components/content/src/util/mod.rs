//! Low helpers every stage of the build shares: no knowledge of pages, templates or outputs.
//! Nothing here imports from the rest of the crate but `diag`. The `site` crate re-exports them
//! in its own `util`, beside its folder walker and timings.

pub mod hash;
pub mod paths;

use std::sync::{Mutex, MutexGuard};

/// The most items of a parallel loop that a thread takes at once. Rayon splits a loop further
/// only when a thread steals work, so the last piece of a long loop (thousands of pages) could
/// keep one core busy for tens of milliseconds while the other one waits.
pub const PAR_CHUNK: usize = 16;

/// Locks a mutex, taking the value over when another thread panicked while holding it: every
/// mutex of the build guards a list that stays valid between two pushes.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The value inside a mutex, whatever another thread did with it (see [`lock`]).
pub fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|e| e.into_inner())
}
