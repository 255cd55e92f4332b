//! Giving freed heap memory back to the system after a large, short-lived allocation (the
//! body and parse of a 5 MB Alertmanager answer). glibc keeps freed memory in its arenas
//! for reuse; a wall screen that parsed one large answer would otherwise keep its peak
//! resident for days.

/// Sets the allocator up for a long-running screen (glibc; a no-op elsewhere), before any
/// thread exists:
/// - one malloc arena: the pollers, the incident thread and the loop share it, so memory
///   freed by one is reused by the others instead of each thread keeping its own high
///   water mark (with 10,000 alerts: about 10 MiB less);
/// - allocations of 128 KiB and more (response bodies, the lists of 10,000 alerts) are
///   mapped and unmapped on their own, so they never stay behind in the heap.
pub fn configure_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Bodies at least this large are followed by [`release_freed`].
pub const LARGE_BODY: usize = 1 << 20;

/// Returns the free memory at the top and in the middle of every malloc arena to the
/// system (glibc `malloc_trim(0)`); a no-op elsewhere. Takes a few milliseconds with a
/// large heap: call it after large answers, not per frame.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and trims the allocator's own free lists; it takes the
    // arena locks itself and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
