//! Loading a large CSV: 1.5 M rows × 9 numeric columns (8 features with four decimals and a
//! class label 0–9), about 100 MB, generated here (never stored in the repository).
//!
//! Run with `cargo bench --bench csv`. criterion times [`gradscope::data::load`] (read,
//! parse, build and split: what `train --data` and `inspect` do) and the table reader alone.
//! Then, in the same run and on the same file, the side-by-side comparison the README
//! quotes, alternating, five times each, medians reported: `data::load` timed in this process
//! (the call alone, as pandas's is) and `gradscope inspect FILE` under `/usr/bin/time` (wall
//! time and peak resident memory of the whole process) against `pandas.read_csv` timed
//! inside Python by `benches/pandas_read_csv.py` (wall time, and CPU time: user + system of
//! the gradscope process, the CPU time of the call in Python). The Python is
//! `$GRADSCOPE_PANDAS_PYTHON`, else `~/.venvs/torchref/bin/python`;
//! without it (or without `/usr/bin/time`) that part says so and is skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use gradscope::data::{DataSource, decode_owned, load_now, read_table_owned, sniff_csv};

// The binary's allocator, so the figures match `gradscope train` and `inspect`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rows of the generated file.
const ROWS: usize = 1_500_000;
/// Runs of each side of the comparison.
const RUNS: usize = 5;

/// The generated file under `target/csv-bench/` (written once, then reused).
fn big_csv() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/csv-bench");
    let path = dir.join(format!("numbers-{ROWS}x9.csv"));
    if path.is_file() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("target/csv-bench");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(out, "x0,x1,x2,x3,x4,x5,x6,x7,label").expect("write");
    // A 64-bit LCG (Knuth's MMIX constants): the same file on every machine.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 11
    };
    for _ in 0..ROWS {
        for _ in 0..8 {
            // Uniform in (-100, 100) with four decimals, e.g. -37.9626.
            let v = (next() % 2_000_000) as i64 - 1_000_000;
            let sign = if v < 0 { "-" } else { "" };
            write!(out, "{sign}{}.{:04},", v.abs() / 10_000, v.abs() % 10_000).expect("write");
        }
        writeln!(out, "{}", next() % 10).expect("write");
    }
    out.flush().expect("flush");
    path
}

fn bench_load(c: &mut Criterion, path: &Path) {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut group = c.benchmark_group("csv");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(
        "load: 100 MB, 1.5 M rows x 9 (read, parse, build, split)",
        |b| {
            b.iter(|| {
                let loaded = load_now(&DataSource::auto(path)).expect("loads");
                assert_eq!(loaded.dataset.train.len() + loaded.dataset.test.len(), ROWS);
            });
        },
    );
    let raw = std::fs::read(path).expect("read");
    let text = decode_owned("big.csv", raw).expect("decode");
    let options = sniff_csv(&text);
    group.bench_function("table reader alone (text in memory)", |b| {
        b.iter_batched(
            || text.clone(),
            |text| read_table_owned("big.csv", text, &options, &|_| true).expect("reads"),
            criterion::BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// The median of `values`.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `data::load`, `gradscope inspect` and `pandas.read_csv` side by side on `path`.
fn compare_with_pandas(path: &Path) {
    let home = std::env::var("HOME").unwrap_or_default();
    let python = std::env::var("GRADSCOPE_PANDAS_PYTHON")
        .unwrap_or_else(|_| format!("{home}/.venvs/torchref/bin/python"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/pandas_read_csv.py");
    let time = Path::new("/usr/bin/time");
    if !Path::new(&python).is_file() || !time.is_file() {
        println!("pandas comparison skipped: needs {python} (with pandas) and /usr/bin/time");
        return;
    }
    let file_mb = std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6);
    let (mut ours, mut ours_rss, mut theirs, mut theirs_rss) = (vec![], vec![], vec![], vec![]);
    let (mut ours_cpu, mut theirs_cpu, mut load) = (vec![], vec![], vec![]);
    for _ in 0..RUNS {
        // The call alone, like pandas's: data::load in this process.
        let start = std::time::Instant::now();
        let loaded = load_now(&DataSource::auto(path)).expect("loads");
        load.push(start.elapsed().as_secs_f64());
        drop(loaded);
        let out = Command::new(time)
            .args(["-f", "%e %M %U %S"])
            .arg(env!("CARGO_BIN_EXE_gradscope"))
            .arg("inspect")
            .arg(path)
            .output()
            .expect("gradscope inspect runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut last = stderr.lines().last().unwrap_or_default().split_whitespace();
        ours.push(last.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN));
        let mut number = || {
            last.next()
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        ours_rss.push(number() / 1e3);
        ours_cpu.push(number() + number());
        let out = Command::new(time)
            .args(["-f", "%e %M"])
            .arg(&python)
            .arg(&script)
            .arg(path)
            .output()
            .expect("python runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let seconds = stdout
            .lines()
            .find_map(|l| l.strip_prefix("read_csv_seconds "))
            .and_then(|s| s.trim().parse().ok());
        let Some(seconds) = seconds else {
            println!(
                "pandas comparison skipped: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        };
        theirs.push(seconds);
        let cpu = stdout
            .lines()
            .find_map(|l| l.strip_prefix("read_csv_cpu_seconds "))
            .and_then(|s| s.trim().parse().ok());
        theirs_cpu.push(cpu.unwrap_or(f64::NAN));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let rss = stderr
            .lines()
            .last()
            .and_then(|l| l.split_whitespace().nth(1));
        theirs_rss.push(rss.and_then(|s| s.parse::<f64>().ok()).unwrap_or(f64::NAN) / 1e3);
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    let (ours_rss, theirs_rss) = (median(&mut ours_rss), median(&mut theirs_rss));
    let (ours_cpu, theirs_cpu) = (median(&mut ours_cpu), median(&mut theirs_cpu));
    let load = median(&mut load);
    println!(
        "side by side on {} ({file_mb:.1} MB), medians of {RUNS} alternating runs:",
        path.display()
    );
    println!(
        "  data::load (the call alone, in this process: read, parse, build, split):   {load:.3} s"
    );
    println!(
        "  gradscope inspect (whole process: start, read, parse, build, split, JSON): {ours:.2} s, peak RSS {ours_rss:.0} MB ({:.2}x the file)",
        ours_rss / file_mb
    );
    println!(
        "  pandas.read_csv (the call alone):                                         {theirs:.3} s (python process peak RSS {theirs_rss:.0} MB)"
    );
    println!(
        "  CPU time (user + system; less sensitive to other work on the machine): gradscope inspect {ours_cpu:.2} s, pandas.read_csv {theirs_cpu:.2} s"
    );
    println!(
        "  ratio data::load / pandas.read_csv (the calls alone): {:.2}",
        load / theirs
    );
    println!(
        "  ratio gradscope inspect / pandas: {:.2} (wall), {:.2} (CPU)",
        ours / theirs,
        ours_cpu / theirs_cpu
    );
}

fn main() {
    let path = big_csv();
    let mut criterion = Criterion::default().configure_from_args();
    bench_load(&mut criterion, &path);
    criterion.final_summary();
    compare_with_pandas(&path);
}
