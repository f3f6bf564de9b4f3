//! Linearizability checking of client histories.
//!
//! A history records what clients asked a shared object (a register, a key-value store) and
//! what they were told, each operation with the time of its call and of its return. It is
//! *linearizable* when the operations can be put in one order that (1) keeps every operation
//! that returned before another was called ahead of it, and (2) gives every client the answer
//! it got when the operations are run one at a time, in that order, on a single copy of the
//! object. In plain words: each operation seems to take effect at one instant between its call
//! and its return. Operations whose outcome is unknown (the client timed out, or never heard
//! back) may be in the order or not; if in, with their usual effect, and one that never
//! returned may take effect at any time after its call (`history.rs` and the shared README
//! give the exact rules).
//!
//! The search ([`linearizability`]) is Wing & Gong's, as Lowe improved it and Porcupine uses
//! it. Calls and returns sit in one list in time order. The search walks the list from its
//! start: at a call, it tries to place that operation next (run it on the current state; its
//! recorded output must come out); if that works, it lifts the operation's call and return out
//! of the list and starts again from the front. At a return it cannot go further, since that
//! operation had to be placed before anything called later, so it backtracks: it takes back
//! the latest placement and tries the next call after it. When every operation that returned
//! is placed, the order found is a linearization; when there is nothing left to take back,
//! there is none. Lowe's memo makes this practical: from a configuration (the set of
//! operations placed, and the state) the rest of the search is always the same, so a
//! configuration seen once is never explored again.
//!
//! Three further cuts keep the search small, each of which provably loses no linearization:
//! operations that never returned are never due, so a configuration that has placed fewer of
//! them, and is otherwise the same, stands for this one; two identical ones are
//! interchangeable, so the later is placed only after the earlier; and a read (or a cas that
//! did not swap) that fits where it is can be moved there from later in any linearization, so
//! when placing it fails, the alternatives are not tried. A kv store is checked key by key,
//! since keys do not interact.
//!
//! The search is bounded: it counts steps (tries to place an operation) and gives up with
//! [`Verdict::Unknown`] past a bound, which the page needs so that no history freezes its tab.
//! For a history that is not linearizable it reports the operation that cannot be placed, at
//! the end of the smallest failing prefix, and a sentence that says why.

pub mod explain;
pub mod history;
pub mod linearizability;

pub use history::{History, HistoryError};
pub use linearizability::{check, Report, Verdict, Violation, STEPS_MAX_DEFAULT};
