//! A setting the window's process starts with: glibc keeps freed heap memory between frames.
//!
//! Mesa's software renderer (llvmpipe: what draws the window without a GPU, and under Xvfb)
//! allocates its per-frame buffers with the C library's `malloc` and frees them at the end of
//! the frame. glibc gives the top of its heap back to the system as soon as more than 128 KiB
//! of it is free (`M_TRIM_THRESHOLD`, see `mallopt(3)`), so the next frame takes those pages
//! again and the system faults in and zeroes every one of them: on the 2-core VM of the
//! README, page faults and `brk` were half of the UI thread's CPU time in the lab. The trim
//! threshold is raised to [`TRIM_THRESHOLD`].
//!
//! glibc reads it once, when the process starts (`GLIBC_TUNABLES`, see the glibc manual's
//! "Tunables"), and calling `mallopt` would need `unsafe`, which this crate forbids. So the
//! window's process starts itself once more with it added to its environment
//! ([`restart_with_settings`]). A threshold the user has set already stands:
//! `GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072` (glibc's default) measures the window
//! without it.
//!
//! Mesa's `LP_NUM_THREADS` (llvmpipe's rasterizing threads) was tried too: one thread instead
//! of two on 2 cores doubled the lab's training speed in `bench-ui` but cut every view's frame
//! rate by a third (the lesson's from 40–50 to 30 frames/s), so it is left to Mesa.

use std::ffi::{OsStr, OsString};

/// The environment variable glibc reads its tunables from.
pub const TUNABLES_VAR: &str = "GLIBC_TUNABLES";

/// Bytes the top of the C heap may hold free before glibc trims it: 256 MiB, well above
/// what Mesa frees at the end of a frame at 1280×800 (a few tens of MB).
pub const TRIM_THRESHOLD: u64 = 256 << 20;

/// The tunable's name in `GLIBC_TUNABLES`.
const TRIM_NAME: &str = "glibc.malloc.trim_threshold";

/// The value `GLIBC_TUNABLES` should have, given its current value: the current one with
/// `glibc.malloc.trim_threshold=`[`TRIM_THRESHOLD`] appended (`:`-separated, glibc's
/// syntax). `None` when the current value sets the trim threshold already (the user's
/// choice stands).
pub fn tunables_with_trim(current: Option<&OsStr>) -> Option<OsString> {
    let setting = format!("{TRIM_NAME}={TRIM_THRESHOLD}");
    match current {
        None => Some(setting.into()),
        Some(value) if value.is_empty() => Some(setting.into()),
        Some(value) => {
            let text = value.to_string_lossy();
            if text
                .split(':')
                .any(|item| item.split('=').next() == Some(TRIM_NAME))
            {
                return None;
            }
            let mut joined = value.to_os_string();
            joined.push(":");
            joined.push(setting);
            Some(joined)
        }
    }
}

/// On Linux, restarts the program (same executable, arguments and environment) with
/// `GLIBC_TUNABLES` as [`tunables_with_trim`] gives it (see the module docs); returns only
/// when it needs no change or when the restart fails, and then the program simply goes on without them. Elsewhere it
/// does nothing. Call it first thing, before any thread is started.
pub fn restart_with_settings() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let Some(tunables) = tunables_with_trim(std::env::var_os(TUNABLES_VAR).as_deref()) else {
            return;
        };
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut command = std::process::Command::new(exe);
        if let Some(arg0) = args.next() {
            command.arg0(arg0);
        }
        // `exec` returns only on failure; the window then opens without the settings.
        let _failed = command.args(args).env(TUNABLES_VAR, tunables).exec();
    }
}

/// `GLIBC_TUNABLES` as this process runs with it (reported by `gradscope bench-ui`).
pub fn current_tunables() -> Option<String> {
    std::env::var_os(TUNABLES_VAR).map(|v| v.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trim_threshold_is_added_once_and_a_users_choice_stands() {
        assert_eq!(
            tunables_with_trim(None),
            Some("glibc.malloc.trim_threshold=268435456".into())
        );
        assert_eq!(
            tunables_with_trim(Some(OsStr::new(""))),
            Some("glibc.malloc.trim_threshold=268435456".into())
        );
        assert_eq!(
            tunables_with_trim(Some(OsStr::new("glibc.malloc.mmap_threshold=65536"))),
            Some("glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=268435456".into())
        );
        assert_eq!(
            tunables_with_trim(Some(OsStr::new(
                "glibc.malloc.tcache_count=0:glibc.malloc.trim_threshold=131072"
            ))),
            None
        );
        // A name that only starts like it is another tunable.
        assert_eq!(
            tunables_with_trim(Some(OsStr::new("glibc.malloc.trim_threshold_x=1"))),
            Some("glibc.malloc.trim_threshold_x=1:glibc.malloc.trim_threshold=268435456".into())
        );
    }

    #[test]
    fn a_restarted_process_does_not_restart() {
        let first = tunables_with_trim(None);
        assert_eq!(first, Some("glibc.malloc.trim_threshold=268435456".into()));
        // The restarted process finds the threshold set and goes on.
        assert_eq!(tunables_with_trim(first.as_deref()), None);
    }
}
