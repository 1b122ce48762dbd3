//! Issue 12, "files from the wild": each failure of the issue that belongs to the data room,
//! as a small file with the right answer — thousands separators (1), every excluded or
//! re-typed column listed with its reason (2), Excel's `sep=` line (3), an all-missing column
//! (4), an ID-like label (5), IDX labels beyond 0–9 and data named after the user's files (6),
//! `inspect` and `train` agreeing on an image cut in half (7), a default model that fits tiny
//! images (8), one default split seed (10) — plus the parallel reader against splits inside
//! quoted cells. Item 9 (an experiment file with a BOM) is in `experiment_file.rs`.

use std::path::{Path, PathBuf};

use gradscope::data::{
    BadNumbers, ColumnCause, ColumnUse, DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_RATIO, DataSource,
    Dataset, FileImport, ImportSettings, MissingPolicy, Table, TextFeature, WarningKind,
    build_with_report, decode_input, inspect_csv, load_now, read_table, report, sniff_csv,
};

/// Decode + sniff + read + default settings without standardisation, all rows in training.
fn table(text: &str) -> (Table, ImportSettings) {
    let text = decode_input("f.csv", text.as_bytes()).unwrap();
    let options = sniff_csv(&text);
    let table = read_table("f.csv", &text, &options).unwrap();
    let settings = ImportSettings {
        standardize: false,
        train_ratio: 1.0,
        ..ImportSettings::guess(&table, options)
    };
    (table, settings)
}

/// Every value of feature `j` over both splits, in file units, sorted.
fn column_values(data: &Dataset, j: usize) -> Vec<f32> {
    let mut out = Vec::new();
    for split in [&data.train, &data.test] {
        for i in 0..split.len() {
            let mut row = split.row(i).to_vec();
            if let Some(s) = &data.standardizer {
                s.unstandardize_row(&mut row);
            }
            out.push(row[j]);
        }
    }
    out.sort_by(f32::total_cmp);
    out
}

/// `rooms,area,label` with 60 rows; `area` of row `i` written by `write(i)`.
fn houses(delimiter: char, write: impl Fn(usize) -> String) -> String {
    let mut text = format!("rooms{delimiter}area{delimiter}label\n");
    for i in 0..60 {
        let label = if i % 2 == 0 { "big" } else { "small" };
        text += &format!("{}{delimiter}{}{delimiter}{label}\n", i % 5 + 1, write(i));
    }
    text
}

/// A fresh folder for one test.
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("gradscope-wild-{name}-"))
        .tempdir()
        .expect("temp dir")
}

#[test]
fn item1_thousands_separators_with_a_decimal_point_are_numbers() {
    // Before: `area` was text; with more than 20 values it vanished, with fewer it became
    // one-hot categories, and nobody was told.
    let text = houses(',', |i| match i {
        0 => "\"1,444.7\"".into(),
        1 => "\"812.0\"".into(),
        2 => "\"2,907.5\"".into(),
        i => format!("\"1,{:03}.5\"", i),
    });
    let (inspection, data) = inspect_csv("houses.csv", text.as_bytes(), None).unwrap();
    assert_eq!(data.feature_names, ["rooms", "area"]);
    assert!(inspection.excluded.is_empty() && inspection.retyped.is_empty());
    let area = column_values(&data, 1);
    assert_eq!(area.len(), 60);
    assert_eq!(area[0], 812.0);
    assert_eq!(area[1], 1003.5); // "1,003.5"
    assert!(area.contains(&1444.7));
    assert_eq!(area[59], 2907.5);
    // The same with only 10 rows (fewer than 20 distinct values): numbers, not categories.
    let short: String = text.lines().take(11).map(|l| format!("{l}\n")).collect();
    let (_, data) = inspect_csv("houses.csv", short.as_bytes(), None).unwrap();
    assert_eq!(data.feature_names, ["rooms", "area"]);
}

#[test]
fn item1_dots_between_thousands_with_a_decimal_comma_are_numbers() {
    let text = houses(';', |i| match i {
        0 => "1.444,7".into(),
        1 => "812,0".into(),
        2 => "2.907,5".into(),
        3 => "1.234.567".into(),
        // One dot and three digits: a thousands separator here, since other cells of the
        // column write their dots that way.
        4 => "1.444".into(),
        i => format!("{i},25"),
    });
    let (t, settings) = table(&text);
    assert!(settings.csv.decimal_comma && settings.csv.delimiter == b';');
    let (data, report) = build_with_report("h", "h.csv", &t, &settings).unwrap();
    assert!(report.excluded().next().is_none());
    let area = column_values(&data, 1);
    for value in [1444.7, 812.0, 2907.5, 1_234_567.0, 1444.0, 5.25, 59.25] {
        assert!(area.contains(&value), "{value} missing from {area:?}");
    }
    // Alone, `1.444` keeps its decimal point (the ambiguity is documented).
    let (t, settings) = table("x;label\n1.444;a\n2,5;b\n3,75;a\n");
    let (data, _) = build_with_report("h", "h.csv", &t, &settings).unwrap();
    assert_eq!(column_values(&data, 0), [1.444, 2.5, 3.75]);
}

#[test]
fn item2_every_excluded_or_retyped_column_is_listed_with_its_reason() {
    let mut text = String::from("id,empty,same,colour,x,picked,label\n");
    for i in 0..30 {
        let colour = ["red", "green", "blue"][i % 3];
        text += &format!("n{i},NA,7,{colour},{}.5,{},{}\n", i, i % 4, i % 2);
    }
    let (table, mut settings) = table(&text);
    settings.features.retain(|&j| j != 5); // `picked` is not chosen
    let (data, report) = build_with_report("t", "t.csv", &table, &settings).unwrap();
    assert_eq!(
        data.feature_names,
        ["colour=blue", "colour=green", "colour=red", "x"]
    );
    let summary: Vec<(&str, ColumnUse, Option<ColumnCause>, &str)> = report
        .columns
        .iter()
        .map(|d| (d.column.as_str(), d.kind, d.cause, d.reason.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "id",
                ColumnUse::Excluded,
                Some(ColumnCause::TooManyValues),
                "text with more than 20 distinct values (one-hot encoding takes at most 20)"
            ),
            (
                "empty",
                ColumnUse::Excluded,
                Some(ColumnCause::AllMissing),
                "all 30 cells are missing (empty, NA, N/A, ? or nan)"
            ),
            (
                "same",
                ColumnUse::Excluded,
                Some(ColumnCause::Constant),
                "constant: every present cell is 7"
            ),
            (
                "colour",
                ColumnUse::OneHot,
                None,
                "text with 3 values, one-hot encoded as 3 features"
            ),
            ("x", ColumnUse::Number, None, "numbers"),
            (
                "picked",
                ColumnUse::Excluded,
                Some(ColumnCause::NotSelected),
                "not chosen as a feature"
            ),
            (
                "label",
                ColumnUse::Label,
                None,
                "label: classification with 2 classes"
            ),
        ]
    );
    let excluded: Vec<&str> = report.excluded().map(|d| d.column.as_str()).collect();
    assert_eq!(excluded, ["id", "empty", "same", "picked"]);
    let retyped: Vec<&str> = report.retyped().map(|d| d.column.as_str()).collect();
    assert_eq!(retyped, ["colour"]);

    // Text features set to be excluded: a fifth cause.
    settings.text_features = TextFeature::Exclude;
    let (_, report) = build_with_report("t", "t.csv", &table, &settings).unwrap();
    assert_eq!(report.columns[3].cause, Some(ColumnCause::TextExcluded));
    assert_eq!(
        report.columns[3].reason,
        "text, and text features are set to be excluded"
    );
}

#[test]
fn item2_a_few_bad_cells_are_named_and_the_two_ways_out_work() {
    let mut text = String::from("x,y,label\n");
    for i in 0..40 {
        let y = match i {
            3 => "4x".to_string(),
            17 => "n.a.".to_string(),
            30 => "--".to_string(),
            35 => "?!".to_string(),
            i => format!("{i}.25"),
        };
        text += &format!("{i},{y},{}\n", i % 2);
    }
    let (table, mut settings) = table(&text);
    // Refuse (default): the report names the first bad cells (line:column, value) ...
    let refused = report("b.csv", &table, &settings);
    let y = &refused.columns[1];
    assert_eq!(y.kind, ColumnUse::Unresolved);
    assert_eq!(y.bad_count, 4);
    let cells: Vec<String> = y.bad_cells.iter().map(ToString::to_string).collect();
    assert_eq!(
        cells,
        ["5:2 \"4x\"", "19:2 \"n.a.\"", "32:2 \"--\"", "37:2 \"?!\""]
    );
    // ... and building stops at the first one with the count and the choice.
    let error = build_with_report("b", "b.csv", &table, &settings).unwrap_err();
    assert_eq!(
        error.to_string(),
        "b.csv:5:2: \"4x\" in column \"y\" is not a number (4 of 40 cells; also 19:2 \"n.a.\", \
         32:2 \"--\", …): treat such cells as missing or exclude the column \
         (--bad-numbers missing|exclude)"
    );
    assert_eq!(refused.error.as_ref(), Some(&error));
    // The window names its own control instead of the command line's flag.
    assert_eq!(
        error.in_window(),
        "b.csv:5:2: \"4x\" in column \"y\" is not a number (4 of 40 cells; also 19:2 \"n.a.\", \
         32:2 \"--\", …): treat such cells as missing or exclude the column \
         (choose \"treat as missing\" or \"exclude\" under the preview)"
    );

    // Treat as missing: the column stays, its bad cells are missing values (rows dropped).
    settings.bad_numbers = BadNumbers::Missing;
    let (data, report) = build_with_report("b", "b.csv", &table, &settings).unwrap();
    assert_eq!(data.feature_names, ["x", "y"]);
    assert_eq!(data.train.len() + data.test.len(), 36);
    assert_eq!(report.dropped_missing_feature, 4);
    // The rows left out are named, with why; the counts add up to the file's 40 rows.
    let listed: Vec<String> = report.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "line 5: \"4x\" in column \"y\" is not a number, treated as missing",
            "line 19: \"n.a.\" in column \"y\" is not a number, treated as missing",
            "line 32: \"--\" in column \"y\" is not a number, treated as missing",
            "line 37: \"?!\" in column \"y\" is not a number, treated as missing",
        ]
    );
    assert_eq!((report.missing_values, report.treated_as_missing), (0, 4));
    // (These settings train on every row.)
    assert_eq!((report.train_rows, report.test_rows), (36, 0));
    assert_eq!((data.train.len(), data.test.len()), (36, 0));
    assert_eq!(report.columns[1].kind, ColumnUse::Number);
    assert_eq!(report.columns[1].cause, Some(ColumnCause::BadNumbers));
    assert!(report.columns[1].is_retyped());
    // With the mean filled in, every row stays.
    settings.missing = MissingPolicy::FillMean;
    let (data, _) = build_with_report("b", "b.csv", &table, &settings).unwrap();
    assert_eq!(data.train.len() + data.test.len(), 40);

    // Exclude: the column goes, listed with the same cells.
    settings.bad_numbers = BadNumbers::Exclude;
    let (data, report) = build_with_report("b", "b.csv", &table, &settings).unwrap();
    assert_eq!(data.feature_names, ["x"]);
    assert_eq!(report.columns[1].kind, ColumnUse::Excluded);
    assert_eq!(
        report.columns[1].reason,
        "4 of 40 cells are not numbers (5:2 \"4x\", 19:2 \"n.a.\", 32:2 \"--\", …)"
    );
}

#[test]
fn item3_excel_sep_line_is_honoured() {
    let text = "sep=;\r\nx1;x2;label\r\n0,5;1,25;a\r\n1,5;2,25;b\r\n2,5;3,5;a\r\n3,5;4,75;b\r\n";
    let (inspection, data) = inspect_csv("excel.csv", text.as_bytes(), None).unwrap();
    assert_eq!(inspection.delimiter, ";");
    assert!(inspection.decimal_comma && inspection.header && inspection.sep_line);
    assert_eq!(data.feature_names, ["x1", "x2"]);
    assert_eq!(column_values(&data, 1), [1.25, 2.25, 3.5, 4.75]);
    // `sep=,` too, and the line still counts: the bad cell is on line 4.
    let text = "sep=,\nx1,x2,label\n1,2,a\n3,zz,b\n5,6,a\n";
    let error = inspect_csv("excel.csv", text.as_bytes(), None).unwrap_err();
    assert_eq!((error.line, error.column), (Some(4), Some(2)));
    // A `sep=,` line over a file of `;`: the error says where the delimiter came from.
    let text = "sep=,\na;b;label\n1;2;x\n2;3;y\n3;4;x\n";
    let error = inspect_csv("excel.csv", text.as_bytes(), None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "excel.csv: no usable feature columns besides the label column \"a;b;label\" (every \
         line was read as one cell with the delimiter ',': the file's first line \"sep=,\" sets \
         it; the header holds ';', which may be the file's delimiter)"
    );
    let (table, _) = table("sep=|\na|b\n1|x\n2|y\n");
    assert_eq!(table.columns, ["a", "b"]);
    assert_eq!(table.lines(), [3, 4]);
}

#[test]
fn item4_an_all_missing_column_is_dropped_and_the_rows_stay() {
    let mut text = String::from("x,notes,label\n");
    for i in 0..12 {
        text += &format!("{i},NA,{}\n", i % 3);
    }
    let (inspection, data) = inspect_csv("na.csv", text.as_bytes(), None).unwrap();
    assert_eq!(inspection.rows, 12);
    assert_eq!(data.feature_names, ["x"]);
    assert_eq!(inspection.excluded.len(), 1);
    assert_eq!(inspection.excluded[0].column, "notes");
    assert_eq!(
        inspection.excluded[0].reason,
        "all 12 cells are missing (empty, NA, N/A, ? or nan)"
    );
}

#[test]
fn item5_a_label_with_a_value_per_row_warns() {
    let mut text = String::from("x1,x2,customer\n");
    for i in 1..=200 {
        text += &format!("{},{},C{i:05}\n", i % 7, i % 11);
    }
    let (inspection, _) = inspect_csv("ids.csv", text.as_bytes(), None).unwrap();
    assert_eq!(inspection.warnings.len(), 1);
    assert_eq!(inspection.warnings[0].kind, WarningKind::IdLikeLabel);
    assert_eq!(
        inspection.warnings[0].message,
        "the label column \"customer\" has 200 distinct values in 200 rows, like an \
         identifier: each class has about one row, so nothing can be learned or tested; choose \
         another label column, or regression if the label is a quantity"
    );
    // An ordinary label does not warn.
    let (inspection, _) = inspect_csv("ids.csv", text.as_bytes(), Some("x1")).unwrap();
    assert!(inspection.warnings.is_empty());
}

/// Two header cells with one name: both columns are read, and the importer says so.
#[test]
fn duplicate_header_names_are_read_and_named_in_a_warning() {
    let mut text = String::from("a,b,a,label,b\n");
    for i in 0..12 {
        text += &format!("{i},{},{},{},{}\n", i * 2, i * 3, i % 2, i * 5);
    }
    let (inspection, data) = inspect_csv("dup.csv", text.as_bytes(), Some("label")).unwrap();
    assert_eq!(data.feature_names, ["a", "b", "a", "b"]);
    let messages: Vec<(WarningKind, &str)> = inspection
        .warnings
        .iter()
        .map(|w| (w.kind, w.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                WarningKind::DuplicateColumnNames,
                "columns 1, 3 are all named \"a\": each is read as its own column, and the \
                 panels and exports name them alike; rename them in the file to tell them apart"
            ),
            (
                WarningKind::DuplicateColumnNames,
                "columns 2, 5 are all named \"b\": each is read as its own column, and the \
                 panels and exports name them alike; rename them in the file to tell them apart"
            ),
        ]
    );
}

/// An IDX image file of `count` 2×2 images and its label file with `labels`.
fn idx_pair(dir: &Path, prefix: &str, labels: &[u8]) -> PathBuf {
    let count = labels.len() as u32;
    let mut images = Vec::new();
    for v in [0x0803u32, count, 2, 2] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    images.extend((0..count * 4).map(|i| (i % 251) as u8));
    let mut label_file = Vec::new();
    for v in [0x0801u32, count] {
        label_file.extend_from_slice(&v.to_be_bytes());
    }
    label_file.extend_from_slice(labels);
    let image_path = dir.join(format!("{prefix}-images-idx3-ubyte"));
    std::fs::write(&image_path, images).unwrap();
    std::fs::write(dir.join(format!("{prefix}-labels-idx1-ubyte")), label_file).unwrap();
    image_path
}

#[test]
fn item6_idx_labels_are_any_byte_and_the_data_is_named_after_the_files() {
    let dir = scratch("emnist");
    // EMNIST letters: labels 1–26.
    let labels: Vec<u8> = (0..52).map(|i| (i % 26 + 1) as u8).collect();
    let images = idx_pair(dir.path(), "emnist-letters-train", &labels);
    let loaded = load_now(&DataSource::auto(&images)).unwrap();
    let data = loaded.dataset;
    assert_eq!(data.name, "emnist-letters-train-images-idx3-ubyte");
    assert_eq!(data.n_classes(), Some(26));
    let Some(names) = data.class_names() else {
        panic!("classification")
    };
    let expected: Vec<String> = (1..=26).map(|k| k.to_string()).collect();
    assert_eq!(names, expected.as_slice());
    assert_eq!(data.image_shape, Some([1, 2, 2]));

    // A folder in MNIST's layout is named after the folder, not "MNIST".
    let folder = dir.path().join("kuzushiji49");
    std::fs::create_dir(&folder).unwrap();
    let labels: Vec<u8> = (0..98).map(|i| (i % 49) as u8).collect();
    idx_pair(&folder, "train", &labels);
    idx_pair(&folder, "t10k", &labels[..49]);
    let data = load_now(&DataSource::auto(&folder)).unwrap().dataset;
    assert_eq!(data.name, "kuzushiji49");
    assert_eq!(data.n_classes(), Some(49));
    assert_eq!((data.train.len(), data.test.len()), (98, 49));
}

#[test]
fn item10_one_default_split_seed_for_the_wizard_and_data() {
    let dir = scratch("seed");
    let path = dir.path().join("points.csv");
    let mut text = String::from("a,b,label\n");
    for i in 0..50 {
        text += &format!("{i},{},{}\n", (i * 7) % 13, i % 3);
    }
    std::fs::write(&path, &text).unwrap();
    // The wizard's defaults (ImportSettings::guess) and `--data` (FileImport::default) agree.
    let FileImport::Auto {
        seed, train_ratio, ..
    } = FileImport::default()
    else {
        panic!("auto")
    };
    assert_eq!(
        (seed, train_ratio),
        (DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_RATIO)
    );
    let text = decode_input("points.csv", text.as_bytes()).unwrap();
    let options = sniff_csv(&text);
    let table = read_table("points.csv", &text, &options).unwrap();
    let wizard = ImportSettings::guess(&table, options);
    assert_eq!(wizard.seed, DEFAULT_SPLIT_SEED);
    let (from_wizard, _) = build_with_report("points.csv", "points.csv", &table, &wizard).unwrap();
    let from_data = load_now(&DataSource::auto(&path)).unwrap().dataset;
    assert_eq!(from_wizard.train, from_data.train);
    assert_eq!(from_wizard.test, from_data.test);
}

#[test]
fn large_texts_read_on_several_threads_match_the_file_even_across_quoted_line_ends() {
    // 6 MiB of rows whose second cell holds a line end: the split points fall inside quoted
    // cells about half of the time, and the reader must notice and read on in order.
    let mut text = String::from("n,note,label\n");
    let mut i = 0u64;
    while text.len() < 6 << 20 {
        text += &format!("{i},\"line one\nline {i}\",{}\n", i % 4);
        i += 1;
    }
    let rows = i as usize;
    let options = sniff_csv(text.as_bytes());
    let table = read_table("big.csv", text.as_bytes(), &options).unwrap();
    assert_eq!(table.n_rows(), rows);
    let numbers = table.numbers(0).unwrap();
    assert!(
        numbers
            .values
            .iter()
            .enumerate()
            .all(|(k, &v)| v == k as f32)
    );
    for k in [0, rows / 3, rows / 2, rows - 1] {
        assert_eq!(table.cell(k, 1), format!("line one\nline {k}"));
        assert_eq!(table.line(k), 2 + 2 * k as u64);
    }
    // An error after the split is found at its exact line.
    let bad_row = rows - 10;
    let broken = text.replacen(&format!("\n{bad_row},"), &format!("\n{bad_row},x,"), 1);
    let error = read_table("big.csv", broken.as_bytes(), &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("big.csv:{}: 4 fields, the header has 3", 2 + 2 * bad_row)
    );
}

/// Runs the binary with `args`.
fn gradscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A folder `root` with class sub-folders `a` and `b` of `per_class` grey `side`×`side` PNGs.
fn png_folder(root: &Path, side: u32, per_class: u32) {
    for (class, shade) in [("a", 40u8), ("b", 210u8)] {
        let folder = root.join(class);
        std::fs::create_dir_all(&folder).unwrap();
        for i in 0..per_class {
            let image = image::GrayImage::from_fn(side, side, |x, y| {
                image::Luma([shade.wrapping_add(((x + y + i) % 7) as u8)])
            });
            image.save(folder.join(format!("{i}.png"))).unwrap();
        }
    }
}

#[test]
fn item7_inspect_and_train_agree_on_a_png_cut_in_half() {
    let dir = scratch("cut");
    let root = dir.path().join("shapes");
    png_folder(&root, 8, 11);
    let whole = std::fs::read(root.join("a/3.png")).unwrap();
    std::fs::write(root.join("a/3.png"), &whole[..whole.len() / 2]).unwrap();
    let root_arg = root.to_str().unwrap();

    let inspected = gradscope(&["inspect", root_arg]);
    assert!(inspected.status.success(), "{inspected:?}");
    let json: serde_json::Value = serde_json::from_slice(&inspected.stdout).unwrap();
    assert_eq!(json["rows"], 21, "{json}");
    let unreadable = json["unreadable"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1, "{json}");
    assert_eq!(unreadable[0]["file"], "a/3.png");
    assert!(
        unreadable[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("cannot decode the image"),
        "{json}"
    );

    // `train` takes the same policy: the same 21 rows, the cut file named on stderr.
    let trained = gradscope(&["train", "--data", root_arg, "--epochs", "1", "--json"]);
    assert!(trained.status.success(), "{trained:?}");
    let stderr = String::from_utf8_lossy(&trained.stderr);
    assert!(stderr.contains("a/3.png"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&trained.stdout).unwrap();
    assert_eq!(report["epochs"], 1);
    assert_eq!(report["dataset"], "shapes");
}

#[test]
fn item8_tiny_images_get_a_default_model_that_fits() {
    let dir = scratch("tiny");
    let root = dir.path().join("tiny");
    png_folder(&root, 8, 6);
    let trained = gradscope(&[
        "train",
        "--data",
        root.to_str().unwrap(),
        "--epochs",
        "2",
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&trained.stderr);
    assert!(trained.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&trained.stdout).unwrap();
    // 8×8: one conv block (8 → 4), no second pool onto a 2×2 or 1×1 input.
    let model = report["model"].as_str().unwrap();
    assert_eq!(model.matches("pool2").count(), 1, "{model}");
    assert!(model.ends_with("dense2"), "{model}");
    assert_eq!(report["epochs"], 2);

    // 3×3 images (side < 4): a Dense MLP, no convolution at all.
    let root = dir.path().join("dots");
    png_folder(&root, 3, 6);
    let trained = gradscope(&[
        "train",
        "--data",
        root.to_str().unwrap(),
        "--epochs",
        "1",
        "--json",
    ]);
    assert!(trained.status.success(), "{trained:?}");
    let report: serde_json::Value = serde_json::from_slice(&trained.stdout).unwrap();
    let model = report["model"].as_str().unwrap();
    assert!(
        !model.contains("conv") && !model.contains("pool"),
        "{model}"
    );

    // An error that does happen names what the user wrote.
    let failed = gradscope(&[
        "train",
        "--data",
        dir.path().join("tiny").to_str().unwrap(),
        "--model",
        "conv4k3,relu,pool2,pool2,pool2,dense2",
        "--epochs",
        "1",
    ]);
    assert_eq!(failed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.starts_with("gradscope: --model: item 5 \"pool2\""),
        "{stderr}"
    );
}

#[test]
fn item2_train_lists_every_excluded_column_on_stderr() {
    let dir = scratch("stderr");
    let path = dir.path().join("mixed.csv");
    let mut text = String::from("x,empty,same,label\n");
    for i in 0..40 {
        text += &format!("{i},NA,7,{}\n", i % 2);
    }
    std::fs::write(&path, text).unwrap();
    let trained = gradscope(&["train", "--data", path.to_str().unwrap(), "--epochs", "1"]);
    assert!(trained.status.success(), "{trained:?}");
    let stderr = String::from_utf8_lossy(&trained.stderr);
    assert!(stderr.contains("column \"empty\" excluded: "), "{stderr}");
    assert!(stderr.contains("column \"same\" excluded: "), "{stderr}");
}

#[test]
fn inspect_and_train_help_describe_what_the_importer_decides() {
    let rules = gradscope::data::IMPORT_RULES;
    for command in ["inspect", "train"] {
        let help = gradscope(&[command, "--help"]);
        assert!(help.status.success(), "{help:?}");
        let text = String::from_utf8_lossy(&help.stdout);
        // The whole list, word for word, at the end of the long help.
        assert!(
            text.trim_end().ends_with(rules),
            "{command} --help does not end with the import rules:\n{text}"
        );
    }
    assert!(
        rules.contains(
            "    6. text with more than 20 distinct values -> excluded (too_many_values)"
        )
    );
    assert!(rules.contains("an Excel first line 'sep=X' names it"));
    // The README quotes the same text in its "How a CSV column's type is decided" block.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    assert!(
        readme.contains(&format!("```text\n{rules}\n```")),
        "README.md does not quote data::IMPORT_RULES word for word"
    );
}
