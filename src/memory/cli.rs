//! `gradscope memory` (store patterns, cue one, recall it and report) and `gradscope memory
//! capacity` (the capacity sweep). Argument errors come back as one line starting with the
//! flag at fault; the binary prints it and exits with status 2.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::{Args, Subcommand};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;

use super::capacity::{AGS_CAPACITY, CapacityConfig, CapacityCurve, capacity_sweep};
use super::digits::mnist_digits;
use super::dynamics::{ContinuousParams, Dynamics, Recall};
use super::letters::letter_patterns;
use super::network::{Hopfield, overlap};
use super::pattern::{Grid, Pattern, flip_bits, random_patterns};
use super::rule::LearningRule;
use super::{MemoryError, derive_seed};

/// Options of `gradscope memory`; with the `capacity` subcommand, its own options instead.
#[derive(Args, Debug, Clone)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MemoryArgs {
    /// `capacity`: the capacity sweep instead of one recall.
    #[command(subcommand)]
    pub command: Option<MemorySubcommand>,
    /// Options of one recall.
    #[command(flatten)]
    pub recall: RecallArgs,
}

/// Subcommands of `gradscope memory`.
#[derive(Subcommand, Debug, Clone)]
pub enum MemorySubcommand {
    /// Store P = 1 … N/4 random patterns, cue each trial with noise and report the share
    /// recalled exactly, per rule (default: Hebbian and Storkey side by side).
    Capacity(CapacityArgs),
}

/// Options of one recall: `gradscope memory --patterns letters --store 5 --noise 0.2 …`.
#[derive(Args, Debug, Clone)]
pub struct RecallArgs {
    /// Pattern set: letters (A, B, … hand-drawn 12×12, sampled to the grid), digits (bundled
    /// MNIST 0, 1, …, binarised) or random (fair ±1, from the seed).
    #[arg(long, default_value = "letters", value_name = "SET")]
    pub patterns: String,
    /// Number of neurons N, laid out as the squarest grid of at most 32×32 (144 = 12×12).
    #[arg(long, default_value_t = 144, allow_negative_numbers = true)]
    pub neurons: usize,
    /// Patterns stored: the first STORE of the set, 1 to N.
    #[arg(long, default_value_t = 5, allow_negative_numbers = true)]
    pub store: usize,
    /// The stored pattern to cue, 1-based.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub cue: usize,
    /// Share of the cue's bits flipped at random, in [0, 1] (exactly round(noise·N) bits).
    #[arg(long, default_value_t = 0.2, allow_negative_numbers = true)]
    pub noise: f64,
    /// Learning rule: hebb, storkey or pseudo-inverse.
    #[arg(long, default_value = "hebb")]
    pub rule: String,
    /// Dynamics: async, sync, stochastic (Glauber, see --temperature) or continuous (see
    /// --beta, --dt).
    #[arg(long, default_value = "async")]
    pub dynamics: String,
    /// Temperature T ≥ 0 of the stochastic dynamics (default 0.1).
    #[arg(long, allow_negative_numbers = true)]
    pub temperature: Option<f64>,
    /// Gain β > 0 of the continuous dynamics τ du/dt = −u + W tanh(βu) (default 4; τ = 1).
    #[arg(long, allow_negative_numbers = true)]
    pub beta: Option<f64>,
    /// Euler step dt in (0, 1] of the continuous dynamics (default 0.1).
    #[arg(long, allow_negative_numbers = true)]
    pub dt: Option<f64>,
    /// Seed of random patterns, the cue's flipped bits, the update order and stochastic draws.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub seed: u64,
    /// Stop after this many sweeps (N single-neuron updates each) if still changing.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    pub max_sweeps: u64,
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `gradscope memory capacity`.
#[derive(Args, Debug, Clone)]
pub struct CapacityArgs {
    /// Number of neurons N (2 to 1024, laid out as a grid of at most 32×32).
    #[arg(long, default_value_t = 100, allow_negative_numbers = true)]
    pub neurons: usize,
    /// Rules compared, comma separated: hebb, storkey, pseudo-inverse.
    #[arg(long, default_value = "hebb,storkey")]
    pub rule: String,
    /// Cues per number of patterns.
    #[arg(long, default_value_t = 20, allow_negative_numbers = true)]
    pub trials: usize,
    /// Share of the cue's bits flipped, in [0, 1].
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub noise: f64,
    /// Largest number of patterns P (default N/4).
    #[arg(long, allow_negative_numbers = true)]
    pub max_patterns: Option<usize>,
    /// Seed of the patterns, cues and update orders.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub seed: u64,
    /// Stop a recall after this many sweeps if still changing.
    #[arg(long, default_value_t = 100, allow_negative_numbers = true)]
    pub max_sweeps: u64,
    /// Print one JSON object on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `gradscope memory [capacity]` as the binary does: prints the result on stdout and
/// returns exit code 0, or prints `gradscope: <reason>` on stderr and returns 2.
pub fn run(args: &MemoryArgs) -> std::process::ExitCode {
    match memory_command(args, crate::cli::stdout::print_err) {
        Ok(text) => {
            crate::cli::stdout::print_line(&text);
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            crate::cli::stdout::print_err(&format!("gradscope: {message}"));
            std::process::ExitCode::from(2)
        }
    }
}

/// Runs `gradscope memory [capacity]` and returns what to print on stdout (one JSON line
/// with `--json`); progress lines of the sweep go to `progress`.
///
/// # Errors
/// One line naming the flag at fault, e.g. `"--rule: unknown rule 'oja' (known: hebb storkey
/// pseudo-inverse)"`.
pub fn memory_command(args: &MemoryArgs, progress: impl FnMut(&str)) -> Result<String, String> {
    match &args.command {
        Some(MemorySubcommand::Capacity(capacity)) => capacity_command(capacity, progress),
        None => recall_command(&args.recall),
    }
}

fn flag(name: &str) -> impl Fn(MemoryError) -> String + '_ {
    move |e| format!("{name}: {e}")
}

fn parse_rule(text: &str) -> Result<LearningRule, String> {
    LearningRule::parse(text.trim()).ok_or_else(|| {
        format!("--rule: unknown rule '{text}' (known: hebb storkey pseudo-inverse)")
    })
}

fn parse_dynamics(args: &RecallArgs) -> Result<Dynamics, String> {
    let dynamics = match args.dynamics.to_ascii_lowercase().as_str() {
        "async" | "asynchronous" => Dynamics::Async,
        "sync" | "synchronous" => Dynamics::Sync,
        "stochastic" | "glauber" => Dynamics::Stochastic {
            temperature: args.temperature.unwrap_or(0.1),
        },
        "continuous" => Dynamics::Continuous(ContinuousParams {
            beta: args.beta.unwrap_or(ContinuousParams::default().beta),
            dt: args.dt.unwrap_or(ContinuousParams::default().dt),
            ..ContinuousParams::default()
        }),
        other => {
            return Err(format!(
                "--dynamics: unknown dynamics '{other}' (known: async sync stochastic \
                 continuous)"
            ));
        }
    };
    let stochastic = matches!(dynamics, Dynamics::Stochastic { .. });
    let continuous = matches!(dynamics, Dynamics::Continuous(_));
    if args.temperature.is_some() && !stochastic {
        return Err("--temperature: only --dynamics stochastic has a temperature".to_string());
    }
    if (args.beta.is_some() || args.dt.is_some()) && !continuous {
        let name = if args.beta.is_some() {
            "--beta"
        } else {
            "--dt"
        };
        return Err(format!(
            "{name}: only --dynamics continuous has a gain and a step"
        ));
    }
    let culprit = match dynamics {
        Dynamics::Stochastic { .. } => "--temperature",
        Dynamics::Continuous(p) if !(p.beta > 0.0 && p.beta.is_finite()) => "--beta",
        _ => "--dt",
    };
    dynamics.validate().map_err(flag(culprit))?;
    Ok(dynamics)
}

/// The patterns a recall stores, checked against the grid.
fn pattern_set(args: &RecallArgs, grid: Grid) -> Result<Vec<Pattern>, String> {
    let n = grid.neurons();
    if args.store == 0 {
        return Err("--store: store at least 1 pattern".to_string());
    }
    if args.store > n {
        return Err(format!(
            "--store: {} patterns for {n} neurons; store at most N",
            args.store
        ));
    }
    match args.patterns.to_ascii_lowercase().as_str() {
        "letters" => letter_patterns(grid, args.store).map_err(flag("--store")),
        "digits" => mnist_digits(grid, args.store).map_err(flag("--store")),
        "random" => Ok(random_patterns(grid, args.store, args.seed)),
        other => Err(format!(
            "--patterns: unknown set '{other}' (known: letters digits random)"
        )),
    }
}

fn recall_command(args: &RecallArgs) -> Result<String, String> {
    let grid = Grid::for_neurons(args.neurons).map_err(flag("--neurons"))?;
    let rule = parse_rule(&args.rule)?;
    let dynamics = parse_dynamics(args)?;
    if !(0.0..=1.0).contains(&args.noise) {
        return Err(format!(
            "--noise: give the share of bits to flip, in [0, 1], got {}",
            args.noise
        ));
    }
    if args.max_sweeps == 0 {
        return Err("--max-sweeps: give at least 1".to_string());
    }
    let patterns = pattern_set(args, grid)?;
    if !(1..=patterns.len()).contains(&args.cue) {
        return Err(format!(
            "--cue: pattern {} is not stored (give 1 to {})",
            args.cue,
            patterns.len()
        ));
    }
    let target = args.cue - 1;
    let mut net = Hopfield::new(grid, rule);
    net.store_all(&patterns).map_err(|e| e.to_string())?;
    let mut rng = StdRng::seed_from_u64(derive_seed(args.seed, &[1]));
    let cue = flip_bits(&patterns[target].spins, args.noise, &mut rng);
    let flipped = cue
        .iter()
        .zip(&patterns[target].spins)
        .filter(|(a, b)| a != b)
        .count();
    let order_seed = derive_seed(args.seed, &[2]);
    let mut recall = Recall::new(net, &cue, dynamics, order_seed).map_err(|e| e.to_string())?;
    let initial_energy = recall.net().energy();
    let cue_overlap = overlap(&patterns[target].spins, &cue);
    let n = grid.neurons() as u64;
    let end = recall.run(args.max_sweeps.saturating_mul(n));
    let net = recall.net();
    let overlaps: Vec<f64> = patterns
        .iter()
        .map(|p| overlap(&p.spins, net.state()))
        .collect();
    let labels: Vec<&str> = patterns.iter().map(|p| p.label.as_str()).collect();
    let temperature = match dynamics {
        Dynamics::Stochastic { temperature } => Some(temperature),
        _ => None,
    };
    let report = json!({
        "patterns": args.patterns.to_ascii_lowercase(),
        "labels": labels,
        "rows": grid.rows,
        "cols": grid.cols,
        "neurons": grid.neurons(),
        "stored": patterns.len(),
        "rule": rule.id(),
        "dynamics": args.dynamics.to_ascii_lowercase(),
        "temperature": temperature,
        "seed": args.seed,
        "cue": args.cue,
        "noise": args.noise,
        "flipped_bits": flipped,
        "cue_overlap": cue_overlap,
        "overlaps": overlaps,
        "recalled": end.recalled(&patterns, target),
        "end_state": end.describe(&patterns),
        "end_state_kind": end.kind(),
        "settled": end.kind() != "unsettled",
        "steps": recall.steps(),
        "updates": recall.updates(),
        "flips": recall.flips(),
        "initial_energy": initial_energy + 0.0,
        "final_energy": net.energy_of(net.state()) + 0.0,
    });
    if args.json {
        return Ok(report.to_string());
    }
    let overlap_text: Vec<String> = labels
        .iter()
        .zip(&overlaps)
        .map(|(label, m)| format!("{label} {m:+.3}"))
        .collect();
    Ok(format!(
        "stored {} ({}: {}) on a {}×{} grid with the {} rule\n\
         cue: pattern {} ({}) with {flipped} of {} bits flipped (overlap {cue_overlap:.3})\n\
         {} dynamics: {}, {}, energy {} → {}\n\
         end state: {}\n\
         overlaps: {}",
        counted(patterns.len() as u64, "pattern"),
        args.patterns.to_ascii_lowercase(),
        labels.join(", "),
        grid.rows,
        grid.cols,
        rule.name(),
        args.cue,
        labels[target],
        grid.neurons(),
        dynamics.name(),
        counted(recall.updates(), "update"),
        counted(recall.flips(), "flip"),
        energy_text(initial_energy),
        energy_text(net.energy_of(net.state())),
        end.describe(&patterns),
        overlap_text.join(", "),
    ))
}

/// How long a capacity sweep has left after `done` of `total` values of P took `elapsed`
/// seconds, when that is a minute or more: `"about 19 min left"`, from 90 minutes on
/// `"about 1.9 h left"`.
/// Each P stores P patterns (work in proportion to P), so the time so far grows as P² and the
/// whole sweep takes about `elapsed · (total / done)²`.
fn time_left(elapsed: f64, done: usize, total: usize) -> Option<String> {
    if done == 0 || done >= total {
        return None;
    }
    let ratio = total as f64 / done as f64;
    let left = elapsed * (ratio * ratio - 1.0);
    if left < 60.0 {
        None
    } else if left < 5400.0 {
        Some(format!("about {:.0} min left", left / 60.0))
    } else {
        Some(format!("about {:.1} h left", left / 3600.0))
    }
}

/// An energy with 3 decimals; a value that rounds to zero prints `0.000`, not `-0.000` (a
/// pseudo-inverse recall ends at about −4e-13 from the rounding of its weights).
fn energy_text(energy: f64) -> String {
    let text = format!("{energy:.3}");
    if text == "-0.000" {
        "0.000".to_string()
    } else {
        text
    }
}

/// `"1 pattern"`, `"3 patterns"`: a count with its noun, plural from 2 on (and for 0).
fn counted(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn capacity_command(args: &CapacityArgs, mut progress: impl FnMut(&str)) -> Result<String, String> {
    let rules = args
        .rule
        .split(',')
        .map(parse_rule)
        .collect::<Result<Vec<_>, _>>()?;
    let config = CapacityConfig {
        neurons: args.neurons,
        max_patterns: args.max_patterns.unwrap_or((args.neurons / 4).max(1)),
        trials: args.trials,
        noise: args.noise,
        rules,
        seed: args.seed,
        max_sweeps: args.max_sweeps,
    };
    if let Err((field, e)) = config.check() {
        let name = match field {
            "rules" => "--rule".to_string(),
            other => format!("--{}", other.replace('_', "-")),
        };
        return Err(format!("{name}: {e}"));
    }
    let started = Instant::now();
    let never = AtomicBool::new(false);
    let curve = capacity_sweep(
        &config,
        |step| {
            let shares: Vec<String> = step
                .points
                .iter()
                .map(|p| format!("{} {:.0} %", p.rule.id(), 100.0 * p.share))
                .collect();
            let left = time_left(started.elapsed().as_secs_f64(), step.done, step.total)
                .map_or_else(String::new, |left| format!("; {left}"));
            progress(&format!(
                "P = {}/{} (load {:.3}): {}{left}",
                step.done,
                step.total,
                step.done as f64 / config.neurons as f64,
                shares.join(", ")
            ));
        },
        &never,
    )
    .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        return Ok(capacity_json(&curve, seconds).to_string());
    }
    Ok(capacity_table(&curve, seconds))
}

fn capacity_json(curve: &CapacityCurve, seconds: f64) -> serde_json::Value {
    let config = &curve.config;
    let rules: Vec<serde_json::Value> = config
        .rules
        .iter()
        .map(|&rule| {
            let points: Vec<serde_json::Value> = curve
                .points_of(rule)
                .iter()
                .map(|p| {
                    json!({
                        "patterns": p.patterns,
                        "load": p.load,
                        "recalled": p.recalled,
                        "trials": p.trials,
                        "share": p.share,
                        "mean_overlap": p.mean_overlap,
                    })
                })
                .collect();
            json!({"rule": rule.id(), "name": rule.name(), "points": points})
        })
        .collect();
    json!({
        "neurons": config.neurons,
        "max_patterns": config.max_patterns,
        "trials": config.trials,
        "noise": config.noise,
        "seed": config.seed,
        "theory_load": AGS_CAPACITY,
        "theory_patterns": curve.theoretical_patterns(),
        "rules": rules,
        "seconds": seconds,
    })
}

fn capacity_table(curve: &CapacityCurve, seconds: f64) -> String {
    let config = &curve.config;
    let mut lines = vec![format!(
        "share recalled exactly from {:.0} % noise, N = {}, {} per P (theory: α_c ≈ \
         {AGS_CAPACITY}, P ≈ {:.1})",
        100.0 * config.noise,
        config.neurons,
        counted(config.trials as u64, "trial"),
        curve.theoretical_patterns()
    )];
    let header: Vec<String> = config
        .rules
        .iter()
        .map(|r| format!("{:>15}", r.id()))
        .collect();
    lines.push(format!("{:>4} {:>7}{}", "P", "P/N", header.join("")));
    for p in 1..=config.max_patterns {
        let shares: Vec<String> = config
            .rules
            .iter()
            .map(|&r| format!("{:>14.0}%", 100.0 * curve.share(r, p).unwrap_or(f64::NAN)))
            .collect();
        let load = p as f64 / config.neurons as f64;
        lines.push(format!("{p:>4} {load:>7.3}{}", shares.join("")));
    }
    lines.push(format!("{seconds:.2} s"));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::time_left;

    #[test]
    fn the_time_left_grows_as_p_squared_and_is_said_from_a_minute() {
        // 60 s for 24 of 256 values of P: 60 · ((256/24)² − 1) = 6 767 s.
        assert_eq!(
            time_left(60.0, 24, 256).as_deref(),
            Some("about 1.9 h left")
        );
        // 10 s for 24 of 256: 1 128 s.
        assert_eq!(
            time_left(10.0, 24, 256).as_deref(),
            Some("about 19 min left")
        );
        // 1 s for 10 of 25: 5.25 s, not worth a word.
        assert_eq!(time_left(1.0, 10, 25), None);
        assert_eq!(time_left(100.0, 25, 25), None);
        assert_eq!(time_left(100.0, 0, 25), None);
    }
}
