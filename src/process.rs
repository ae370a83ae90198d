//! Settings of the gongkai process, for the binaries that link the library: the `gongkai`
//! command and the measuring examples, which must run the work as the command does; and
//! what the process does with its time (CPU time for the profile, frees off the build's
//! path). Both
//! assume mimalloc as the global allocator (as `main.rs` sets it); without it the first does
//! nothing.

/// For `build` and `check`: keep the memory they free for the rest of the run instead of giving it
/// back to the OS after a second (mimalloc v3's default): every stage frees and allocates hundreds
/// of megabytes, and each page given back was zeroed by the kernel again when touched next.
/// At 10,000 documents that was 0.4–0.8 s of system time in a 1.5 s rebuild (perf:
/// `clear_page_erms`); without it, 0.1–0.2 s. The peak stays what it was. `serve` keeps the
/// default: it runs for hours and should give memory back.
pub fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc.h (v3: the 16th option); -1 means never purge.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one integer option of the allocator; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// No transparent huge pages for this process. mimalloc asks for them (`madvise`) on its
/// arenas, and where the system grants them only on request (Debian's and Ubuntu's default,
/// `defrag = madvise`) each first touch of 2 MB may compact memory synchronously: with the
/// page cache full of sources, that was 5.5–6.1 s of system time in a 10 s one-edit rebuild at
/// 100,000 documents (perf: `folio_zero_user` under `do_huge_pmd_anonymous_page`), 2.5–3.2 s
/// without (wall 10.1–10.8 s → 8.7–9.4 s).
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The CPU time this process has used so far, on every thread (user and system), for
/// `GONGKAI_PROFILE`: a stage that takes as much CPU as wall time used one core.
pub fn cpu_time() -> std::time::Duration {
    #[cfg(unix)]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: writes one timespec we own.
        if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } == 0 {
            return std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
        }
    }
    std::time::Duration::ZERO
}

/// Frees `value` on a thread of its own (a model of 100,000 documents, or a map of 250,000
/// output paths, takes a noticeable time to free), or here when no thread can be started.
pub fn drop_aside<T: Send + 'static>(value: T) {
    // On failure the closure, and `value` with it, is dropped by `spawn` itself.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
