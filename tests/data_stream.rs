//! Large files of plain numbers are read as a stream (`data::import::stream`), without
//! holding their text. The result must equal reading the whole text, and anything the stream
//! cannot take (a text cell, a quote, a wrong field count) must give what the whole reader
//! gives: the same data set or the same error, with its line and column.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gradscope::data::{
    DataSource, Dataset, ImportSettings, Phase, Progress, build_owned, decode_owned, load_now,
    open_table, open_table_to_build, read_table_owned, sniff_csv,
};

/// Rows of the generated files: about 19 MB, over the 16 MiB from which files are streamed
/// (and two chunks of 8 MiB and a part).
const ROWS: usize = 320_000;

/// Writes `rows` rows of 8 numbers and a class 0–4, with `NA` in column `x3` every 97th
/// row; `edit(row, line)` may change a line before it is written. `crlf` ends lines with
/// CRLF, `bom` starts the file with a UTF-8 byte order mark.
fn write_csv(
    dir: &Path,
    name: &str,
    (crlf, bom): (bool, bool),
    edit: impl Fn(usize, String) -> String,
) -> PathBuf {
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    if bom {
        out.write_all(b"\xEF\xBB\xBF").expect("write");
    }
    writeln!(out, "x0,x1,x2,x3,x4,x5,x6,x7,label").expect("write");
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 11
    };
    for row in 0..ROWS {
        let mut line = String::new();
        for j in 0..8 {
            let v = (next() % 200_000) as i64 - 100_000;
            if j == 3 && row % 97 == 5 {
                line.push_str("NA,");
            } else {
                line.push_str(&format!("{}.{:03},", v / 1000, (v % 1000).abs()));
            }
        }
        line.push_str(&(next() % 5).to_string());
        writeln!(out, "{}", edit(row, line)).expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    if crlf {
        let text = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&text).replace('\n', "\r\n");
        std::fs::write(&path, text).expect("write");
    }
    path
}

/// An edit for [`write_csv`] that changes row `target` only.
fn at_row(target: usize, edit: impl Fn(String) -> String) -> impl Fn(usize, String) -> String {
    move |row, line| if row == target { edit(line) } else { line }
}

/// The data set (or error) of reading `path` whole: decode, sniff, read, guess, build.
fn whole(path: &Path) -> Result<Dataset, String> {
    let name = path.display().to_string();
    let raw = std::fs::read(path).expect("read");
    let text = decode_owned(&name, raw).map_err(|e| e.to_string())?;
    let options = sniff_csv(&text);
    let table = read_table_owned(&name, text, &options, &|_| true).map_err(|e| e.to_string())?;
    let settings = ImportSettings::guess(&table, options);
    let stem = path
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    build_owned(&stem, &name, table, &settings)
        .map(|(data, _)| data)
        .map_err(|e| e.to_string())
}

/// Whether `open_table_to_build` kept no text (the stream's sign: its first cell reads `""`); a
/// stream's progress ends in its own phase at 90 % of the load (building is the rest).
fn streamed(path: &Path) -> bool {
    let progress = Progress::new();
    let opened =
        open_table_to_build(path, None, &progress, &AtomicBool::new(false)).expect("opens");
    let streamed = opened.table.cell(0, 0).is_empty();
    if streamed {
        assert_eq!(progress.phase(), Phase::Streaming);
        assert_eq!(progress.fraction(), 0.9);
    } else {
        assert_eq!(progress.phase(), Phase::Parsing);
    }
    streamed
}

/// The error of loading `path` (through `data::load`, as `train --data` does); `why` names
/// what makes it fail.
fn load_error(path: &Path, why: &str) -> String {
    load_now(&DataSource::auto(path))
        .map(|_| ())
        .expect_err(why)
        .to_string()
}

fn scratch() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&root).expect("target");
    tempfile::Builder::new()
        .prefix("data-stream-")
        .tempdir_in(root)
        .expect("tempdir")
}

fn assert_same(path: &Path) {
    let streamed_data = load_now(&DataSource::auto(path)).expect("loads").dataset;
    let whole_data = whole(path).expect("whole loads");
    assert_eq!(streamed_data.train.len(), whole_data.train.len());
    assert_eq!(streamed_data.test.len(), whole_data.test.len());
    assert_eq!(streamed_data.feature_names, whole_data.feature_names);
    assert_eq!(streamed_data.task, whole_data.task);
    assert_eq!(streamed_data.train, whole_data.train, "training split");
    assert_eq!(streamed_data.test, whole_data.test, "test split");
    assert_eq!(streamed_data.standardizer, whole_data.standardizer);
    assert_eq!(streamed_data.source_rows, whole_data.source_rows);
    assert_eq!(streamed_data.fill_values, whole_data.fill_values);
}

#[test]
fn a_large_file_of_numbers_streams_to_the_same_data_set() {
    let dir = scratch();
    let path = write_csv(dir.path(), "plain.csv", (false, false), |_, l| l);
    assert!(std::fs::metadata(&path).expect("size").len() > 16 << 20);
    assert!(streamed(&path), "a plain file of numbers is streamed");
    assert_same(&path);
    // Rows with NA in x3 (every 97th) are left out, as by the whole reader.
    let data = load_now(&DataSource::auto(&path)).expect("loads");
    let table = data.report.table.expect("table report");
    assert_eq!(table.dropped_missing_feature, ROWS.div_ceil(97));
    assert_eq!(table.rows, ROWS - ROWS.div_ceil(97));
}

/// The wizard reviews a table with its text (a preview and the class balance need it), so
/// `open_table` never streams.
#[test]
fn a_table_opened_for_review_keeps_its_text() {
    let dir = scratch();
    let path = write_csv(dir.path(), "review.csv", (false, false), |_, l| l);
    let opened = open_table(&path, None, &Progress::new(), &AtomicBool::new(false)).expect("opens");
    let first_line = std::fs::read_to_string(&path).expect("read");
    let first_row = first_line.lines().nth(1).expect("a data row");
    assert_eq!(opened.table.row(0).collect::<Vec<_>>().join(","), first_row);
    assert_eq!(opened.table.n_rows(), ROWS);
}

#[test]
fn crlf_and_a_byte_order_mark_stream_too() {
    let dir = scratch();
    let path = write_csv(dir.path(), "windows.csv", (true, true), |_, l| l);
    assert!(streamed(&path));
    assert_same(&path);
    assert_eq!(
        load_now(&DataSource::auto(&path))
            .expect("loads")
            .dataset
            .feature_names[0],
        "x0"
    );
}

/// A streamed file whose header follows lines of spaces and blank lines names the header's
/// own line when the label column is unknown, as the whole reader does.
#[test]
fn an_unknown_label_in_a_streamed_file_is_reported_on_the_headers_line() {
    let dir = scratch();
    let path = write_csv(dir.path(), "spaced.csv", (false, false), |_, line| line);
    let text = std::fs::read(&path).expect("read");
    let mut spaced = b"  \n \t\n\n".to_vec();
    spaced.extend_from_slice(&text);
    std::fs::write(&path, spaced).expect("write");
    assert!(
        streamed(&path),
        "a file of plain numbers this large streams"
    );
    let source = DataSource {
        path: path.clone(),
        import: gradscope::data::FileImport::Auto {
            label: Some("nope".into()),
            train_ratio: 0.8,
            seed: 1,
            bad_numbers: Default::default(),
        },
    };
    let message = load_now(&source)
        .map(|_| ())
        .expect_err("no such column")
        .to_string();
    assert_eq!(
        message,
        format!(
            "{}:4: unknown label column \"nope\"; the columns are x0, x1, x2, x3, x4, x5, x6, x7, label",
            path.display()
        )
    );
}

/// The stream puts the unfinished record at the end of a chunk in the room before the next
/// chunk; a record longer than that room is joined to the chunk by a copy instead.
#[test]
fn a_record_longer_than_the_room_before_a_chunk_streams_to_the_same_data_set() {
    use gradscope::data::import::stream::{CHUNK_BYTES, HEAD_BYTES};
    let dir = scratch();
    // The first record that starts within 100 kB of the end of the first chunk gets 200 kB
    // of spaces after its first cell, so that it runs past that end.
    let offset = std::cell::Cell::new("x0,x1,x2,x3,x4,x5,x6,x7,label\n".len());
    let stretched = std::cell::Cell::new(None);
    let path = write_csv(dir.path(), "long.csv", (false, false), |row, line| {
        let start = offset.get();
        let line = if stretched.get().is_none() && start > CHUNK_BYTES - 100_000 {
            stretched.set(Some(row));
            line.replacen(',', &format!("{},", " ".repeat(200_000)), 1)
        } else {
            line
        };
        offset.set(start + line.len() + 1);
        line
    });
    let text = std::fs::read(&path).expect("read");
    let row = stretched.get().expect("a record was stretched");
    let last_end = text[..CHUNK_BYTES]
        .iter()
        .rposition(|&b| b == b'\n')
        .expect("line ends");
    assert!(
        CHUNK_BYTES - (last_end + 1) > HEAD_BYTES,
        "row {row}: the first chunk ends {} bytes into its last record",
        CHUNK_BYTES - (last_end + 1)
    );
    assert!(
        streamed(&path),
        "spaces around a number keep the file plain"
    );
    assert_same(&path);
}

/// The delimiter, decimal comma and header are guessed from the first 100 non-blank records.
/// Blank lines and long records can push those past the stream's first chunk; the stream
/// then leaves the file to the whole reader, so the guess (here: a decimal comma, seen only
/// in the records after the long ones) is the same. It used to stream the file with a
/// decimal point, reading every number a thousand times too large and the labels 1,000 and
/// 2,000 as two classes more.
#[test]
fn records_pushed_past_the_first_chunk_are_still_in_the_guess() {
    let dir = scratch();
    let path = dir.path().join("decimal-comma.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    out.write_all("\n".repeat(200).as_bytes()).expect("write");
    writeln!(out, "a;b;label").expect("write");
    let spaces = " ".repeat(150_000);
    for row in 0..60 {
        writeln!(out, "7{spaces};8;{}", 1 + row % 2).expect("write");
    }
    for row in 0..600_000 {
        writeln!(
            out,
            "{},{:03};{},{:03};{},000",
            1 + row % 997,
            row % 1000,
            1 + row % 13,
            (row * 7) % 1000,
            1 + row % 2
        )
        .expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    assert!(std::fs::metadata(&path).expect("size").len() > 16 << 20);
    assert!(
        !streamed(&path),
        "the first chunk holds 55 of the 100 records guessed from"
    );
    assert_same(&path);
    let data = load_now(&DataSource::auto(&path)).expect("loads").dataset;
    assert_eq!(
        data.task,
        gradscope::data::Task::Classification {
            class_names: vec!["1".into(), "2".into()]
        }
    );
}

#[test]
fn a_quote_late_in_the_file_is_read_whole_with_the_same_result() {
    let dir = scratch();
    let last = ROWS - 3;
    let path = write_csv(
        dir.path(),
        "quoted.csv",
        (false, false),
        at_row(last, |line| {
            let (first, rest) = line.split_once(',').expect("cells");
            format!("\"{first}\",{rest}")
        }),
    );
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains('"'), "the edit put a quote in");
    assert!(
        !streamed(&path),
        "a quote sends the file to the whole reader"
    );
    assert_same(&path);
}

#[test]
fn a_text_cell_late_in_the_file_gives_the_whole_readers_error() {
    let dir = scratch();
    let last = ROWS - 1;
    let path = write_csv(
        dir.path(),
        "typo.csv",
        (false, false),
        at_row(last, |line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells[2] = "n.a.";
            cells.join(",")
        }),
    );
    let error = load_error(&path, "a bad cell is refused");
    assert_eq!(Err(error.clone()), whole(&path).map(|_| ()));
    // The header is line 1, so the last row is line ROWS + 1; the cell is in column 3.
    assert!(
        error.contains(&format!(":{}:3: \"n.a.\" in column \"x2\"", ROWS + 1)),
        "{error}"
    );
}

#[test]
fn a_short_row_late_in_the_file_gives_its_line() {
    let dir = scratch();
    let last = ROWS - 2;
    let path = write_csv(
        dir.path(),
        "short.csv",
        (false, false),
        at_row(last, |line| {
            line.split(',').take(3).collect::<Vec<_>>().join(",")
        }),
    );
    let error = load_error(&path, "a short row is refused");
    assert_eq!(
        error,
        format!("{}:{}: 3 fields, the header has 9", path.display(), ROWS)
    );
}

/// `plain` gzipped into `name` at `level`, cut to `keep` bytes when given.
fn gzip(plain: &Path, name: &str, level: flate2::Compression, keep: Option<u64>) -> PathBuf {
    let path = plain.with_file_name(name);
    let file = std::fs::File::create(&path).expect("create");
    let mut encoder = flate2::write::GzEncoder::new(file, level);
    std::io::copy(&mut std::fs::File::open(plain).expect("open"), &mut encoder).expect("gzip");
    encoder.finish().expect("finish");
    if let Some(keep) = keep {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        file.set_len(keep).expect("cut");
    }
    path
}

/// A gzipped file is decompressed as it streams (no buffer of its whole text): the same data
/// set as the whole reader, and the report says it was gzipped. Cut short, it gives the
/// whole reader's error. A gzipped file streams from 4 MiB (its text is several times that).
#[test]
fn a_gzipped_file_streams_too() {
    let dir = scratch();
    let plain = write_csv(dir.path(), "plain.csv", (false, false), |_, l| l);
    let small = gzip(&plain, "small.csv.gz", flate2::Compression::fast(), None);
    let small_size = std::fs::metadata(&small).expect("size").len();
    assert!((4 << 20..16 << 20).contains(&small_size), "{small_size}");
    assert!(streamed(&small), "a 4-16 MiB gzipped file is streamed");
    assert_same(&small);

    // Stored without compression, so that the file itself is over 16 MiB.
    let path = gzip(&plain, "numbers.csv.gz", flate2::Compression::none(), None);
    let size = std::fs::metadata(&path).expect("size").len();
    assert!(size > 16 << 20);
    assert!(streamed(&path), "a gzipped file of numbers is streamed");
    assert_same(&path);
    let loaded = load_now(&DataSource::auto(&path)).expect("loads");
    assert!(loaded.report.gzip, "the report says gzip");
    assert_eq!(
        loaded.report.table.expect("table report").rows,
        ROWS - ROWS.div_ceil(97)
    );

    let cut = gzip(
        &plain,
        "cut.csv.gz",
        flate2::Compression::none(),
        Some(size - 5000),
    );
    let error = load_error(&cut, "a cut gzip file is refused");
    assert_eq!(Err(error.clone()), whole(&cut).map(|_| ()));
    assert!(error.contains("cannot decompress the gzip data"), "{error}");
}
