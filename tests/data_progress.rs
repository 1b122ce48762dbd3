//! The import's progress bar never moves backwards: a large file (over the 16 MiB from which
//! files are streamed) whose stream gives up near the end, at a quote, is read whole from
//! the fraction the stream reached instead of starting the bar again at 0.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gradscope::data::{DataSource, Phase, Progress, load};

/// Rows of [`write_quoted`]: 6 numbers and a class each, about 17 MB.
const ROWS: usize = 345_000;

/// Writes `ROWS` rows of numbers with a class 0–2; row `ROWS - 3` has its first cell in
/// quotes, which the stream cannot take (the whole reader reads it as the same number).
fn write_quoted(dir: &Path) -> PathBuf {
    let path = dir.join("late-quote.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(out, "a,b,c,d,e,f,label").expect("write");
    for row in 0..ROWS {
        let cells: Vec<String> = (0..6)
            .map(|j| format!("{}.{:03}", (row * 7 + j * 13) % 1000, (row * 31 + j) % 1000))
            .collect();
        let mut line = format!("{},{}", cells.join(","), row % 3);
        if row == ROWS - 3 {
            line = format!("\"{line}").replacen(',', "\",", 1);
        }
        writeln!(out, "{line}").expect("write");
    }
    out.flush().expect("flush");
    path
}

#[test]
fn the_fraction_never_decreases_when_a_stream_falls_back_to_the_whole_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_quoted(dir.path());
    let size = std::fs::metadata(&path).expect("size").len();
    assert!(size > 16 << 20 && size < 18_000_000, "{size} bytes");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text.matches('"').count(), 2, "one quoted cell");

    let progress = Progress::new();
    let source = DataSource::auto(&path);
    // (phase, fraction) as a window polling every frame would see them, without repeats.
    let mut seen: Vec<(Phase, f32)> = Vec::new();
    let loaded = std::thread::scope(|scope| {
        let loading = scope.spawn(|| load(&source, &progress, &AtomicBool::new(false)));
        loop {
            let finished = loading.is_finished();
            let now = (progress.phase(), progress.fraction());
            if seen.last() != Some(&now) {
                seen.push(now);
            }
            if finished {
                break loading.join().expect("no panic");
            }
            std::thread::sleep(std::time::Duration::from_micros(300));
        }
    });
    let data = loaded.expect("loads").dataset;
    assert_eq!(data.train.len() + data.test.len(), ROWS);

    let backwards: Vec<_> = seen
        .windows(2)
        .filter(|w| w[1].1 < w[0].1)
        .map(|w| (w[0], w[1]))
        .collect();
    assert!(backwards.is_empty(), "the bar moved back: {backwards:?}");
    // The stream ran, gave up, and the file was read whole after it; the bar ends full.
    let streaming = seen.iter().rposition(|(p, _)| *p == Phase::Streaming);
    let reading = seen.iter().rposition(|(p, _)| *p == Phase::Reading);
    let (streaming, reading) = (
        streaming.expect("streamed first"),
        reading.expect("read whole"),
    );
    assert!(streaming < reading, "{seen:?}");
    let given_up_at = seen[streaming].1;
    assert!(
        given_up_at > 0.3,
        "the stream got far before the quote: {given_up_at}"
    );
    assert!(
        seen[streaming + 1..].iter().all(|&(_, f)| f >= given_up_at),
        "{seen:?}"
    );
    assert_eq!(seen.last(), Some(&(Phase::Building, 1.0)));
}
