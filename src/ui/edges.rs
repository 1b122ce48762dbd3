//! Anti-aliased edges (egui's "feathering": a one-pixel fade around every filled shape and
//! line): on when a GPU draws the window, off when the window is drawn in software.
//!
//! Feathering doubles the triangles of every shape. A GPU draws them for nothing; Mesa's
//! software renderer (llvmpipe: a machine without a GPU, a VM, Xvfb, a remote desktop) sets
//! each one up on the UI thread and rasterises it on the same cores as training. In a first
//! trial with `bench-ui --views lab,mnist,race --seconds 8` under Xvfb at 1280×800 (2-core AMD
//! EPYC VM, alternating runs): the lab's mean frame 3.7–3.8 ms with feathering and 2.7 ms
//! without, p95 5.0–5.1 against 3.6 ms, frames per second 44–50 against 57–61; the race p95
//! 5.1–6.2 against 3.9–4.1 ms. README.md (Speed) has the whole bench-ui runs. Text is drawn from the
//! font atlas either way and the decision boundary's data points are sprites (`plot::markers`),
//! so only the edges of lines, frames and buttons lose their fade, which at 1280×800 shows at
//! 3× zoom, not at 1×.

use std::sync::OnceLock;

/// The environment variable that overrides the choice: `1` (on) or `0` (off); set but empty,
/// it is as if unset.
pub const ANTIALIAS_VAR: &str = "GRADSCOPE_ANTIALIAS";

/// The choice [`apply`] made first in this process.
static APPLIED: OnceLock<EdgeChoice> = OnceLock::new();

/// Whether edges are anti-aliased, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeChoice {
    /// egui's feathering on or off.
    pub antialias: bool,
    /// Why, in a few words (`bench-ui` reports it).
    pub reason: &'static str,
}

/// The choice from `setting` (the value of [`ANTIALIAS_VAR`], if set) and whether a GPU can
/// draw the window (see [`gpu_available`]). An empty or blank setting (`GRADSCOPE_ANTIALIAS=`,
/// as a shell or launcher clears a variable) chooses as no setting does.
///
/// Errors: a setting other than `1`, `0`, `on`, `off`, `true` or `false` (any case) gives
/// `"GRADSCOPE_ANTIALIAS=maybe: expected 1 (on) or 0 (off)"`; the caller then uses the choice
/// for `setting = None` and says so.
pub fn choose(setting: Option<&str>, gpu: bool) -> Result<EdgeChoice, String> {
    match setting.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => Ok(if gpu {
            EdgeChoice {
                antialias: true,
                reason: "a GPU draws the window",
            }
        } else {
            EdgeChoice {
                antialias: false,
                reason: "drawn in software (no GPU device)",
            }
        }),
        Some("1" | "on" | "true") => Ok(EdgeChoice {
            antialias: true,
            reason: "set on by GRADSCOPE_ANTIALIAS",
        }),
        Some("0" | "off" | "false") => Ok(EdgeChoice {
            antialias: false,
            reason: "set off by GRADSCOPE_ANTIALIAS",
        }),
        Some(_) => Err(format!(
            "{ANTIALIAS_VAR}={}: expected 1 (on) or 0 (off)",
            setting.unwrap_or_default()
        )),
    }
}

/// Whether OpenGL can run on a GPU here. On Linux: a DRM device (`/dev/dri/card*` or
/// `renderD*`) exists and Mesa is not told to draw in software (`LIBGL_ALWAYS_SOFTWARE`, or
/// `GALLIUM_DRIVER` naming llvmpipe or softpipe). Elsewhere: assumed so.
pub fn gpu_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let forced_software = std::env::var("LIBGL_ALWAYS_SOFTWARE")
        .is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
        || std::env::var("GALLIUM_DRIVER")
            .is_ok_and(|v| matches!(v.trim(), "llvmpipe" | "softpipe"));
    !forced_software
        && std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
            entries.flatten().any(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with("card") || name.starts_with("renderD")
            })
        })
}

/// Chooses from the environment, sets egui's feathering on `ctx`, and returns the choice. An
/// invalid [`ANTIALIAS_VAR`] is reported on stderr with the choice made instead.
pub fn apply(ctx: &eframe::egui::Context) -> EdgeChoice {
    let gpu = gpu_available();
    let setting = std::env::var(ANTIALIAS_VAR).ok();
    let choice = choose(setting.as_deref(), gpu).unwrap_or_else(|message| {
        let fallback = choose(None, gpu).expect("no setting is always a choice");
        let state = if fallback.antialias { "on" } else { "off" };
        eprintln!(
            "gradscope: {message}; anti-aliased edges {state}: {}",
            fallback.reason
        );
        fallback
    });
    set(ctx, choice);
    let _ = APPLIED.set(choice);
    choice
}

/// The choice [`apply`] made in this process, if it ran (`bench-ui` reports it).
pub fn applied() -> Option<EdgeChoice> {
    APPLIED.get().copied()
}

/// Sets egui's feathering on `ctx` as `choice` says.
fn set(ctx: &eframe::egui::Context, choice: EdgeChoice) {
    ctx.tessellation_options_mut(|options| options.feathering = choice.antialias);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_smooth_with_a_gpu_and_plain_in_software_unless_the_setting_says() {
        assert!(choose(None, true).unwrap().antialias);
        let software = choose(None, false).unwrap();
        assert!(!software.antialias);
        assert_eq!(software.reason, "drawn in software (no GPU device)");
        assert!(choose(Some("1"), false).unwrap().antialias);
        assert!(choose(Some(" On "), false).unwrap().antialias);
        assert!(!choose(Some("0"), true).unwrap().antialias);
        assert!(!choose(Some("false"), true).unwrap().antialias);
    }

    #[test]
    fn an_empty_setting_chooses_as_no_setting() {
        for blank in ["", " "] {
            assert_eq!(choose(Some(blank), false), choose(None, false));
            assert_eq!(choose(Some(blank), true), choose(None, true));
        }
        assert_eq!(
            choose(Some(""), false).unwrap().reason,
            "drawn in software (no GPU device)"
        );
    }

    #[test]
    fn a_setting_that_is_not_on_or_off_is_an_error_naming_it() {
        assert_eq!(
            choose(Some("maybe"), true),
            Err("GRADSCOPE_ANTIALIAS=maybe: expected 1 (on) or 0 (off)".to_string())
        );
    }

    #[test]
    fn the_choice_sets_eguis_feathering() {
        let ctx = eframe::egui::Context::default();
        for setting in ["0", "1", "0"] {
            let choice = choose(Some(setting), false).unwrap();
            set(&ctx, choice);
            assert_eq!(ctx.tessellation_options(|o| o.feathering), setting == "1");
        }
        let choice = apply(&ctx);
        assert_eq!(ctx.tessellation_options(|o| o.feathering), choice.antialias);
    }
}
