//! Two settings the window's process starts with: glibc keeps freed heap memory between
//! frames, and Mesa's software renderer leaves a core to the rest of the program.
//!
//! - **The C heap.** Mesa's software renderer (llvmpipe: what draws the window without a
//!   GPU, and under Xvfb) allocates its per-frame buffers with the C library's `malloc` and
//!   frees them at the end of the frame. glibc gives the top of its heap back to the system
//!   as soon as more than 128 KiB of it is free (`M_TRIM_THRESHOLD`, see `mallopt(3)`), so
//!   the next frame takes those pages again and the system faults in and zeroes every one of
//!   them: on the 2-core VM of the README, page faults and `brk` were half of the UI thread's
//!   CPU time in the lab. The trim threshold is raised to [`TRIM_THRESHOLD`].
//! - **The renderer's threads.** llvmpipe rasterizes on as many threads as the machine has
//!   cores (`LP_NUM_THREADS`, Mesa's "llvmpipe" environment variables). With the UI thread
//!   and the training threads on the same cores, half of them ([`raster_threads`]) keeps the
//!   frame times and leaves the training more CPU: on 2 cores, the lab trained 58 000–77 000
//!   steps/s in `bench-ui` instead of 24 000–32 000.
//!
//! Both are read once, when the process starts (glibc's `GLIBC_TUNABLES`, see the glibc
//! manual's "Tunables", and Mesa's `LP_NUM_THREADS`), and setting them from inside would
//! need `unsafe` (`mallopt`, `set_var`), which this crate forbids. So the window's process
//! starts itself once more with them added to its environment ([`restart_with_settings`]).
//! What the user has set already stands: `GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072`
//! (glibc's default) or `LP_NUM_THREADS=2` measure the window without these settings.

use std::ffi::{OsStr, OsString};

/// The environment variable glibc reads its tunables from.
pub const TUNABLES_VAR: &str = "GLIBC_TUNABLES";

/// The environment variable llvmpipe reads its thread count from.
pub const RASTER_THREADS_VAR: &str = "LP_NUM_THREADS";

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

/// llvmpipe's rasterizing threads on a machine of `cores` cores: half of them, at least 1.
pub fn raster_threads(cores: usize) -> usize {
    (cores / 2).max(1)
}

/// The variables to add to the environment before the window opens, given a lookup of the
/// current environment and the machine's cores: empty when nothing needs setting (both are
/// set already, by the user or by the restart).
pub fn settings_to_add(
    current: impl Fn(&str) -> Option<OsString>,
    cores: usize,
) -> Vec<(&'static str, OsString)> {
    let mut add = Vec::new();
    if let Some(tunables) = tunables_with_trim(current(TUNABLES_VAR).as_deref()) {
        add.push((TUNABLES_VAR, tunables));
    }
    if current(RASTER_THREADS_VAR).is_none() {
        add.push((RASTER_THREADS_VAR, raster_threads(cores).to_string().into()));
    }
    add
}

/// On Linux, restarts the program (same executable, arguments and environment) with
/// [`settings_to_add`] added (see the module docs); returns only when nothing needs adding
/// or when the restart fails, and then the program simply goes on without them. Elsewhere it
/// does nothing. Call it first thing, before any thread is started.
pub fn restart_with_settings() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let add = settings_to_add(|name| std::env::var_os(name), cores);
        if add.is_empty() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut command = std::process::Command::new(exe);
        if let Some(arg0) = args.next() {
            command.arg0(arg0);
        }
        // `exec` returns only on failure; the window then opens without the settings.
        let _failed = command.args(args).envs(add).exec();
    }
}

/// `GLIBC_TUNABLES` and `LP_NUM_THREADS` as this process runs with them (reported by
/// `gradscope bench-ui`).
pub fn current_settings() -> [(&'static str, Option<String>); 2] {
    let get = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    [
        (TUNABLES_VAR, get(TUNABLES_VAR)),
        (RASTER_THREADS_VAR, get(RASTER_THREADS_VAR)),
    ]
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
    fn half_the_cores_rasterize_and_a_restarted_process_does_not_restart() {
        assert_eq!(
            [1, 2, 3, 8, 64].map(raster_threads),
            [1, 1, 1, 4, 32],
            "cores 1, 2, 3, 8, 64"
        );
        let empty = settings_to_add(|_| None, 2);
        assert_eq!(
            empty,
            vec![
                (TUNABLES_VAR, "glibc.malloc.trim_threshold=268435456".into()),
                (RASTER_THREADS_VAR, "1".into()),
            ]
        );
        // The restarted process finds both set and goes on.
        let restarted: std::collections::HashMap<&str, OsString> = empty.into_iter().collect();
        assert!(settings_to_add(|name| restarted.get(name).cloned(), 2).is_empty());
        // A user's LP_NUM_THREADS stands.
        assert_eq!(
            settings_to_add(
                |name| (name == RASTER_THREADS_VAR).then(|| OsString::from("2")),
                8
            ),
            vec![(TUNABLES_VAR, "glibc.malloc.trim_threshold=268435456".into())]
        );
    }
}
