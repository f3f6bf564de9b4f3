//! The explorer's visited set: every state seen, by digest, with its sleep set.

use super::Bits;

/// The states seen, by digest, each with its sleep set: the transitions that need not be taken
/// from it, because every state they lead to is reached by another order of the same steps
/// (the intersection of the sleep sets of every path that reached it), and whether its
/// transitions were taken ([`super::EXPANDED`]); a later path with a smaller sleep set then takes the
/// ones it missed.
///
/// Open addressing with linear probing in one array of (digest, bits) pairs. A lookup in a set
/// of millions is a cache miss; here it is usually one, where a general-purpose hash map, which
/// keeps control bytes apart from entries, costs two.
pub(super) struct Visited {
    slots: Vec<[u64; 2]>,
    pub(super) len: usize,
}

/// What a lookup in [`Visited`] found.
pub(super) enum Found<'a> {
    /// The digest was new; it is now in the set.
    New,
    /// The digest was there already: its bits, to read and change.
    Seen(&'a mut Bits),
}

impl Visited {
    pub(super) fn with_capacity(states: usize) -> Visited {
        // At most half full.
        let slots = (states * 2).next_power_of_two().max(1024);
        Visited {
            slots: Visited::table(slots),
            len: 0,
        }
    }

    /// An empty table of `slots` slots. The zeroed allocation costs nothing until a page is
    /// touched.
    fn table(slots: usize) -> Vec<[u64; 2]> {
        let table = vec![[0; 2]; slots];
        huge_pages(&table);
        table
    }

    /// Digests are well mixed already; 0 marks an empty slot, so digest 0 is stored as 1
    /// (one more collision in 2^64).
    fn key(digest: u64) -> u64 {
        digest.max(1)
    }

    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        while self.slots[i][0] != 0 && self.slots[i][0] != key {
            i = (i + 1) & mask;
        }
        i
    }

    /// Looks `digest` up, adding it with `bits` if it is new.
    pub(super) fn find_or_add(&mut self, digest: u64, bits: Bits) -> Found<'_> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let key = Visited::key(digest);
        let i = self.slot(key);
        if self.slots[i][0] == key {
            return Found::Seen(&mut self.slots[i][1]);
        }
        self.slots[i] = [key, bits];
        self.len += 1;
        Found::New
    }

    /// Asks the processor to fetch the slot where `digest` starts its probe, so that the lookup
    /// made a little later does not wait for memory: a set of millions is far bigger than the
    /// caches, and these lookups were the search's costliest instructions.
    pub(super) fn prefetch(&self, digest: u64) {
        let i = Visited::key(digest) as usize & (self.slots.len() - 1);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `i` is in bounds, and a prefetch is only a hint: it cannot fault and changes
        // nothing the program can observe.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(self.slots.as_ptr().add(i).cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }

    /// The bits of a digest in the set.
    pub(super) fn bits_mut(&mut self, digest: u64) -> &mut Bits {
        let i = self.slot(Visited::key(digest));
        debug_assert_eq!(
            self.slots[i][0],
            Visited::key(digest),
            "a queued state was seen"
        );
        &mut self.slots[i][1]
    }

    fn grow(&mut self) {
        let doubled = Visited::table(self.slots.len() * 2);
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|slot| slot[0] != 0) {
            let i = self.slot(slot[0]);
            self.slots[i] = slot;
        }
    }
}

/// Asks Linux to back `table` with huge pages (2 MB instead of 4 KB), where it does so only when
/// asked (transparent huge pages in `madvise` mode, as on this project's build machine).
///
/// Lookups in the visited set land on random pages of tens of megabytes. With small pages
/// nearly every one also misses the TLB, and a prefetch that misses the TLB does not hide the
/// wait; with huge pages the prefetches of [`super::Frame::expand`] do. It is a hint about memory: it
/// changes nothing the search computes, and where it is refused or not built the search is only
/// slower.
fn huge_pages(table: &[[u64; 2]]) {
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        extern "C" {
            fn madvise(addr: *mut std::ffi::c_void, length: usize, advice: i32) -> i32;
        }
        /// From Linux's `asm-generic/mman-common.h`, which both architectures use.
        const MADV_HUGEPAGE: i32 = 14;
        const PAGE_BYTES: usize = 4096;
        // madvise takes whole pages: advise the pages that lie wholly inside the table.
        let start = (table.as_ptr() as usize).next_multiple_of(PAGE_BYTES);
        let end =
            (table.as_ptr() as usize + std::mem::size_of_val(table)) / PAGE_BYTES * PAGE_BYTES;
        if start < end {
            // SAFETY: madvise with MADV_HUGEPAGE only changes how the kernel backs these pages,
            // which lie inside an allocation this table owns; their contents stay the same. Its
            // result is ignored on purpose: a refusal only leaves the pages small.
            unsafe {
                madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    let _ = table;
}
