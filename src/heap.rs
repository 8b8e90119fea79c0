//! Memory hints for long builds: handing freed heap back to the operating
//! system ([`Trim`]), and fetching a cache line ahead of its use
//! ([`prefetch`]).
//!
//! glibc's allocator gives each thread an arena and keeps what a thread
//! frees there for its next allocations. The HTTP index build reassembles
//! connection after connection into buffers of every size, beside
//! allocations that live on (the index itself): the freed space between
//! them stays resident. On a 10 GB capture that was about 150 MB of
//! anonymous memory the program no longer used (`http` peaked at 1046 MiB,
//! 913 MiB with [`Trim`]; `list`, which builds the index for its Info
//! column, at 1077 and 795 MiB). [`Trim`] asks the allocator to return it
//! every so many units of work; each call walks the arenas, which costs
//! milliseconds, so it is not made per connection.

/// After how many bytes of connections read the HTTP index build returns
/// freed memory. On the 10 GB capture trimming every 64 blocks of
/// connections (about 450 MB of them) kept the `http` peak within 2% of
/// trimming after every block (907 against 892 MiB), which cost 3 s; on
/// the 1 GB capture the same 64 blocks were only ~100 MB, and its ten trims
/// were 4.5% of the command's CPU (each walks every arena and gives pages
/// back that the next allocations fault in again). Counted in bytes, the
/// interval is the same on any capture.
pub const TRIM_EVERY_BYTES: u64 = 512 << 20;

/// Counts the bytes of work done and returns freed heap every `every` of
/// them.
#[derive(Debug)]
pub struct Trim {
    every: u64,
    done: u64,
}

impl Trim {
    pub fn every(every: u64) -> Trim {
        Trim {
            every: every.max(1),
            done: 0,
        }
    }

    /// `bytes` more done.
    pub fn tick(&mut self, bytes: u64) {
        self.done = self.done.saturating_add(bytes);
        if self.done >= self.every {
            self.done = 0;
            release_free_memory();
        }
    }
}

/// Returns the allocator's free memory to the operating system (glibc's
/// `malloc_trim`; a no-op with other allocators, which have their own
/// policies).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim has no preconditions: it only walks the
        // allocator's own free lists, under the allocator's locks, and
        // leaves every allocation in place.
        #[allow(unsafe_code)]
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Asks the processor to bring the cache line holding the start of `value`
/// in, without waiting for it: a walk that jumps across the capture issues
/// this a few steps ahead, so the miss overlaps the work in between. A hint
/// only; nothing on other architectures.
#[inline]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: a prefetch reads nothing the program sees and cannot fault
        // (the address is a live reference besides).
        #[allow(unsafe_code)]
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                std::ptr::from_ref(value).cast::<i8>(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_wrap_at_the_period() {
        let mut t = Trim::every(30);
        for _ in 0..7 {
            t.tick(10);
        }
        assert_eq!(t.done, 10);
        // One tick past several periods trims once and starts again.
        t.tick(100);
        assert_eq!(t.done, 0);
        // A zero period is taken as one: every tick trims, none divides by zero.
        let mut z = Trim::every(0);
        z.tick(1);
        assert_eq!(z.done, 0);
    }
}
