//! The core's one sort. The standard library's sorts (driftsort, ipnsort) are generic and
//! large, and a wasm carries one copy of them for each element type it sorts: in the page's
//! Multi-Paxos core that was about 31 KB of its 285 KB of code before wasm-opt. Here the merge
//! is written once, on positions, with the comparison as a trait object, so that each caller
//! adds only its comparison and the final reordering.
//!
//! It is stable (equal elements keep their order, as with `sort_by_key`), so it gives the
//! order the standard sorts gave at every call site, and no run or trace changes with it; and
//! it is O(n log n) on any input (insertion sort below 21 items), with one pass for input that
//! is already in order, which schedules and times mostly are.

/// Sorts `items` by `key`, keeping the order of items with equal keys.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a) < key(b));
}

/// Sorts `items` in ascending order.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, |a, b| a < b);
}

/// Sorts `items` so that no item comes after one it is `less` than, keeping the order of
/// items neither is less than the other.
pub fn sort_by<T>(items: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    let mut order = positions(items.len(), &mut |a, b| less(&items[a], &items[b]));
    // Item `order[k]` moves to `k`, one cycle of the permutation at a time, by swaps: no copy
    // of the items is made. A position is marked done by setting it to `usize::MAX`.
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != usize::MAX {
            let from = std::mem::replace(&mut order[at], usize::MAX);
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Below this many items, insertion sort: a run or two of comparisons, and no second buffer.
const INSERTION_MAX: usize = 20;

/// The positions `0..n` in sorted order: an insertion sort for a few, a bottom-up merge sort
/// for more. Not generic and not inlined, so that the wasm holds it once.
#[inline(never)]
fn positions(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    if (1..n).all(|i| !less(i, i - 1)) {
        return from;
    }
    if n <= INSERTION_MAX {
        for i in 1..n {
            let mut j = i;
            while j > 0 && less(from[j], from[j - 1]) {
                from.swap(j, j - 1);
                j -= 1;
            }
        }
        return from;
    }
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                // The right run's element goes first only when it is strictly less: that is
                // what keeps equal elements in their order.
                if j < end && (i == mid || less(from[j], from[i])) {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    #[test]
    fn it_sorts_as_the_standard_stable_sort_does() {
        let mut rng = Rng::new(7, Stream::Swarm);
        for n in 0..200 {
            // Few distinct keys, so that stability is tested: the second field is the original
            // position, which the standard stable sort keeps in order among equal keys.
            let items: Vec<(u64, usize)> = (0..n).map(|i| (rng.below(5), i)).collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(key, _)| key);
            let mut theirs = items.clone();
            theirs.sort_by_key(|&(key, _)| key);
            assert_eq!(ours, theirs, "n = {n}");
            let mut ours = items.clone();
            sort(&mut ours);
            let mut theirs = items;
            theirs.sort();
            assert_eq!(ours, theirs, "n = {n}");
        }
    }

    #[test]
    fn sorted_input_stays_as_it_is_and_reversed_input_is_turned_round() {
        let mut sorted: Vec<u32> = (0..1000).collect();
        sort(&mut sorted);
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        let mut reversed: Vec<u32> = (0..1000).rev().collect();
        sort(&mut reversed);
        assert_eq!(reversed, (0..1000).collect::<Vec<_>>());
    }
}
