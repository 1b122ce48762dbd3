//! The CSV/TSV import wizard's core (`data::import`): sniffing the delimiter, header and
//! decimal comma, BOMs and line ends, quoting errors, and the data set built from the settings.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use gradscope::data::{
    BadNumbers, ColumnKind, ColumnSummary, CsvOptions, Dataset, ImportSettings, Labels,
    MissingPolicy, Table, Task, TaskChoice, TextFeature, build_dataset, build_owned,
    build_with_report, decode_input, inspect_csv, read_table, read_table_with_progress, report,
    sniff_csv, summarize,
};

/// decode + sniff + read.
fn table(text: &[u8]) -> (CsvOptions, Table) {
    let text = decode_input("t.csv", text).unwrap();
    let options = sniff_csv(&text);
    let table = read_table("t.csv", &text, &options).unwrap();
    (options, table)
}

fn inspect_err(text: &[u8]) -> String {
    inspect_csv("bad.csv", text, None).unwrap_err().to_string()
}

/// Every row (train then test) in file units, with its label.
fn all_rows(ds: &Dataset) -> Vec<(Vec<f32>, String)> {
    let mut out = Vec::new();
    for split in [&ds.train, &ds.test] {
        for i in 0..split.len() {
            let mut row = split.row(i).to_vec();
            if let Some(s) = &ds.standardizer {
                s.unstandardize_row(&mut row);
            }
            let label = match (&split.labels, &ds.task) {
                (Labels::Classes(c), Task::Classification { class_names }) => {
                    class_names[c[i]].clone()
                }
                (Labels::Values(v), _) => v[i].to_string(),
                _ => unreachable!(),
            };
            out.push((row, label));
        }
    }
    out.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    out
}

fn raw_settings(table: &Table, options: CsvOptions) -> ImportSettings {
    ImportSettings {
        standardize: false,
        train_ratio: 1.0,
        ..ImportSettings::guess(table, options)
    }
}

#[test]
fn case1_bom_crlf_quoted_header() {
    let text = b"\xEF\xBB\xBF\"sepal_len\",\"label\"\r\n5.1,setosa\r\n4.9,versicolor\r\n";
    let (options, t) = table(text);
    assert_eq!(
        options,
        CsvOptions {
            delimiter: b',',
            has_header: true,
            decimal_comma: false
        }
    );
    assert_eq!(t.columns, ["sepal_len", "label"]);
    assert_eq!(t.to_rows(), [["5.1", "setosa"], ["4.9", "versicolor"]]);
    assert_eq!(t.lines(), [2, 3]);
    let (ins, ds) = inspect_csv("iris.csv", text, None).unwrap();
    assert_eq!(ins.rows, 2);
    assert_eq!(ins.classes, ["setosa", "versicolor"]);
    assert_eq!(ins.class_counts, [1, 1]);
    assert_eq!(ds.n_classes(), Some(2));
    assert_eq!(ds.feature_names, ["sepal_len"]);
}

#[test]
fn case2_semicolon_and_decimal_comma() {
    let text = b"a;b;label\n1,5;2,25;0\n3,0;4,75;1\n";
    let (options, t) = table(text);
    assert_eq!(
        options,
        CsvOptions {
            delimiter: b';',
            has_header: true,
            decimal_comma: true
        }
    );
    assert_eq!(t.columns, ["a", "b", "label"]);
    let ds = build_dataset("d", "d.csv", &t, &raw_settings(&t, options)).unwrap();
    assert_eq!(ds.feature_names, ["a", "b"]);
    assert_eq!(
        ds.task,
        Task::Classification {
            class_names: vec!["0".into(), "1".into()]
        }
    );
    assert_eq!(
        all_rows(&ds),
        [
            (vec![1.5, 2.25], "0".to_string()),
            (vec![3.0, 4.75], "1".to_string())
        ]
    );
}

#[test]
fn case3_unterminated_quote() {
    let text = b"x1,x2,label\n\"1.0,2.0,a\n3.0,4.0,b\n";
    let expected = "bad.csv:2:1: unterminated quote (the quoted cell starting here never ends)";
    assert_eq!(inspect_err(text), expected);
    let err = read_table("bad.csv", text, &CsvOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), expected);
    assert_eq!((err.line, err.column), (Some(2), Some(1)));
}

#[test]
fn case4_one_trailing_empty_field_is_dropped() {
    let (_, t) = table(b"x,y,label\n1,2,0,\n3,4,1\n");
    assert_eq!(t.columns, ["x", "y", "label"]);
    assert_eq!(t.to_rows(), [["1", "2", "0"], ["3", "4", "1"]]);
    // every line, header included, ending in a delimiter: the empty last column goes
    let (_, t) = table(b"x,y,label,\n1,2,0,\n3,4,1,\n");
    assert_eq!(t.columns, ["x", "y", "label"]);
    assert_eq!(t.to_rows(), [["1", "2", "0"], ["3", "4", "1"]]);
    // a non-empty extra field, or two extra fields, are errors
    let options = CsvOptions::default();
    let err = |text: &[u8]| {
        read_table("bad.csv", text, &options)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(b"x,y,label\n1,2,0,5\n"),
        "bad.csv:2: 4 fields, the header has 3"
    );
    assert_eq!(
        err(b"x,y,label\n1,2,0,,\n"),
        "bad.csv:2: 5 fields, the header has 3"
    );
    assert_eq!(
        err(b"x,y,label\n1,2\n"),
        "bad.csv:2: 2 fields, the header has 3"
    );
}

#[test]
fn case5_header_only_and_empty_file() {
    assert_eq!(inspect_err(b"x,y,label\n"), "bad.csv: no data rows");
    assert_eq!(inspect_err(b""), "bad.csv: the file is empty");
    assert_eq!(inspect_err(b"\n\r\n\r"), "bad.csv: the file is empty");
}

#[test]
fn case6_no_header_mixed_line_ends() {
    let text = b"5.1,3.5,Iris-setosa\r\n4.9,3.0,Iris-setosa\n";
    let (options, t) = table(text);
    assert!(!options.has_header);
    assert_eq!(t.columns, ["column 1", "column 2", "column 3"]);
    assert_eq!(t.n_rows(), 2);
    let (ins, ds) = inspect_csv("iris.csv", text, None).unwrap();
    assert!(!ins.header);
    assert_eq!(ins.classes, ["Iris-setosa"]);
    assert_eq!(ins.class_counts, [2]);
    assert_eq!(ds.n_classes(), Some(1));
}

#[test]
fn tab_and_pipe_delimiters_are_sniffed() {
    let (o, t) = table(b"x\ty\tlabel\n1\t2\ta\n3\t4\tb\n");
    assert_eq!((o.delimiter, o.has_header), (b'\t', true));
    assert_eq!(t.to_rows(), [["1", "2", "a"], ["3", "4", "b"]]);
    let (o, t) = table(b"x|y|label\n1|2|a\n3|4|b\n");
    assert_eq!(o.delimiter, b'|');
    assert_eq!(t.columns, ["x", "y", "label"]);
    // commas inside a TSV text column do not fool the sniffer
    let (o, _) = table(b"name\tage\nSmith, John\t40\nDoe, Jane\t30\nRoe\t20\n");
    assert_eq!(o.delimiter, b'\t');
}

#[test]
fn cr_only_line_ends() {
    let raw = b"x,y,label\r1,2,a\r3,4,b\r";
    assert_eq!(
        decode_input("t", raw).unwrap(),
        b"x,y,label\n1,2,a\n3,4,b\n"
    );
    let (_, t) = table(raw);
    assert_eq!(t.to_rows(), [["1", "2", "a"], ["3", "4", "b"]]);
    assert_eq!(t.lines(), [2, 3]);
}

#[test]
fn quoted_fields_with_embedded_delimiters_and_blank_lines_at_the_end() {
    let (o, t) = table(b"\"x;1\";y;label\n1;\"2\";\"a;b\"\n3;4;\"c \"\"d\"\"\"\n\n\n  \n");
    assert_eq!(o.delimiter, b';');
    assert_eq!(t.columns, ["x;1", "y", "label"]);
    assert_eq!(t.to_rows(), [["1", "2", "a;b"], ["3", "4", "c \"d\""]]);
    let (_, t) = table(b"x,label\n1,\"a,b\"\n2,c\n\r\n\n");
    assert_eq!(t.to_rows(), [["1", "a,b"], ["2", "c"]]);
}

#[test]
fn gzipped_csv() {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(b"x,y,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n")
        .unwrap();
    let raw = gz.finish().unwrap();
    let (ins, ds) = inspect_csv("t.csv.gz", &raw, None).unwrap();
    assert!(ins.gzip);
    assert_eq!((ins.rows, ins.features), (4, 2));
    assert_eq!(ds.n_classes(), Some(2));
    let (ins, _) = inspect_csv("t.csv", b"x,y,label\n1,2,a\n3,4,b\n", None).unwrap();
    assert!(!ins.gzip);
    // broken gzip data
    let err = inspect_csv("t.gz", &raw[..raw.len() / 2], None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("t.gz: cannot decompress the gzip data: "),
        "{err}"
    );
}

#[test]
fn missing_values_counted_dropped_and_filled() {
    let text = b"x,y,label\n1,NA,a\n?,4,b\n3,6,a\n5,,b\n7,8,N/A\n9,nan,b\n";
    let (options, t) = table(text);
    let summaries = summarize(&t, &options);
    assert_eq!(
        summaries[0],
        ColumnSummary {
            name: "x".into(),
            kind: ColumnKind::Numeric,
            missing: 1,
            distinct: 5
        }
    );
    assert_eq!((summaries[1].missing, summaries[1].distinct), (3, 3));
    assert_eq!(summaries[2].missing, 1);
    assert_eq!(summaries[2].kind, ColumnKind::Text);

    let mut settings = raw_settings(&t, options);
    settings.missing = MissingPolicy::DropRows;
    let ds = build_dataset("d", "d.csv", &t, &settings).unwrap();
    assert_eq!(all_rows(&ds), [(vec![3.0, 6.0], "a".to_string())]);

    // mean over the (here: all) training rows; the row with a missing label still goes
    settings.missing = MissingPolicy::FillMean;
    let ds = build_dataset("d", "d.csv", &t, &settings).unwrap();
    let mx = (1.0 + 3.0 + 5.0 + 9.0) / 4.0;
    assert_eq!(
        all_rows(&ds),
        [
            (vec![1.0, 5.0], "a".to_string()),
            (vec![3.0, 6.0], "a".to_string()),
            (vec![mx, 4.0], "b".to_string()),
            (vec![5.0, 5.0], "b".to_string()),
            (vec![9.0, 5.0], "b".to_string()),
        ]
    );
    let (ins, _) = inspect_csv("d.csv", text, None).unwrap();
    assert_eq!(ins.missing_values, 5);
    assert_eq!(ins.rows, 1);
}

#[test]
fn text_feature_one_hot_or_excluded() {
    let text = b"size,colour,label\n1,red,a\n2,blue,b\n3,red,a\n4,green,b\n";
    let (options, t) = table(text);
    let mut settings = raw_settings(&t, options);
    settings.text_features = TextFeature::OneHot;
    let ds = build_dataset("d", "d.csv", &t, &settings).unwrap();
    assert_eq!(
        ds.feature_names,
        ["size", "colour=blue", "colour=green", "colour=red"]
    );
    let rows: Vec<Vec<f32>> = all_rows(&ds).into_iter().map(|r| r.0).collect();
    assert_eq!(
        rows,
        [
            [1.0, 0.0, 0.0, 1.0],
            [2.0, 1.0, 0.0, 0.0],
            [3.0, 0.0, 0.0, 1.0],
            [4.0, 0.0, 1.0, 0.0]
        ]
    );
    settings.text_features = TextFeature::Exclude;
    let ds = build_dataset("d", "d.csv", &t, &settings).unwrap();
    assert_eq!(ds.feature_names, ["size"]);

    // more than 20 values: left out even with OneHot
    let mut text = String::from("size,name,label\n");
    for i in 0..25 {
        text += &format!("{i},n{i},{}\n", i % 2);
    }
    let (_, ds) = inspect_csv("d.csv", text.as_bytes(), None).unwrap();
    assert_eq!(ds.feature_names, ["size"]);

    // a mostly-numeric column with a typo is an error, not a text column; the error offers
    // the two ways out (issue 12, item 2)
    let err = inspect_err(b"x,y,label\n1,2,a\n3,4x,b\n5,6,a\n");
    assert_eq!(
        err,
        "bad.csv:3:2: \"4x\" in column \"y\" is not a number (1 of 3 cells): treat such cells \
         as missing or exclude the column (--bad-numbers missing|exclude)"
    );
}

#[test]
fn regression_detected_and_overridable() {
    let mut text = String::from("x,y\n");
    for i in 0..30 {
        text += &format!("{i},{}\n", i as f32 * 0.5 + 0.25);
    }
    let (options, t) = table(text.as_bytes());
    let mut settings = ImportSettings::guess(&t, options);
    let ds = build_dataset("r", "r.csv", &t, &settings).unwrap();
    assert_eq!(ds.task, Task::Regression);
    settings.task = TaskChoice::Classification;
    let ds = build_dataset("r", "r.csv", &t, &settings).unwrap();
    assert_eq!(ds.n_classes(), Some(30));
    let Task::Classification { class_names } = &ds.task else {
        panic!()
    };
    assert_eq!(&class_names[..3], ["0.25", "0.75", "1.25"]);

    // few integer labels: classes; forced regression gives values
    let (options, t) = table(b"x,y\n1,0\n2,1\n3,0\n4,1\n");
    let mut settings = ImportSettings::guess(&t, options);
    assert!(
        build_dataset("c", "c.csv", &t, &settings)
            .unwrap()
            .is_classification()
    );
    settings.task = TaskChoice::Regression;
    assert_eq!(
        build_dataset("c", "c.csv", &t, &settings).unwrap().task,
        Task::Regression
    );
    // text labels cannot be regressed
    let (options, t) = table(b"x,y\n1,a\n2,b\n");
    settings = ImportSettings {
        task: TaskChoice::Regression,
        ..ImportSettings::guess(&t, options)
    };
    assert_eq!(
        build_dataset("c", "c.csv", &t, &settings)
            .unwrap_err()
            .to_string(),
        "c.csv:2:2: label \"a\" in column \"y\" is not a number (regression needs numbers)"
    );
}

#[test]
fn standardisation_uses_training_statistics_only() {
    let mut text = String::from("x,label\n");
    for i in 0..20 {
        text += &format!("{},{}\n", (i * i) as f32, i % 2);
    }
    let (options, t) = table(text.as_bytes());
    let settings = ImportSettings {
        train_ratio: 0.5,
        seed: 3,
        ..ImportSettings::guess(&t, options)
    };
    let ds = build_dataset("s", "s.csv", &t, &settings).unwrap();
    let s = ds.standardizer.clone().unwrap();
    let raw = |split: &gradscope::data::Split| -> Vec<f32> {
        (0..split.len())
            .map(|i| {
                let mut r = split.row(i).to_vec();
                s.unstandardize_row(&mut r);
                r[0]
            })
            .collect()
    };
    let train = raw(&ds.train);
    let test = raw(&ds.test);
    let mean = train.iter().sum::<f32>() / train.len() as f32;
    let std = (train.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / train.len() as f32).sqrt();
    assert!((s.mean[0] - mean).abs() < 1e-3, "{} vs {mean}", s.mean[0]);
    assert!((s.std[0] - std).abs() < 1e-3);
    let all_mean = (train.iter().sum::<f32>() + test.iter().sum::<f32>()) / 20.0;
    assert!((s.mean[0] - all_mean).abs() > 1e-3);
    assert!(ds.feature_mean(0).abs() < 1e-5);
}

#[test]
fn inspection_fields() {
    let text = b"f1\tf2\tspecies\n1\t2\tb\n3\t\ta\n5\t6\tb\n7\t8\ta\n9\t10\tb\n";
    let (ins, ds) = inspect_csv("f.tsv", text, Some("species")).unwrap();
    assert_eq!(ins.file, "f.tsv");
    assert_eq!(ins.rows, 4);
    assert_eq!(ins.features, 2);
    assert_eq!(ins.feature_names, ["f1", "f2"]);
    assert_eq!(ins.task, "classification");
    assert_eq!(ins.classes, ["a", "b"]);
    assert_eq!(ins.class_counts, [1, 3]);
    assert_eq!(ins.delimiter, "\t");
    assert!(ins.header);
    assert!(!ins.decimal_comma);
    assert_eq!(ins.missing_values, 1);
    assert!(!ins.gzip);
    assert_eq!(ds.train.len() + ds.test.len(), 4);

    // label by 0-based index: few integers are classes (in numeric order)
    let (ins, _) = inspect_csv("f.tsv", text, Some("0")).unwrap();
    assert_eq!(ins.feature_names, ["f2", "species=a", "species=b"]);
    assert_eq!(ins.task, "classification");
    assert_eq!(ins.classes, ["1", "5", "7", "9"]);
    // many distinct float labels: regression
    let mut reg = String::from(
        "x	y
",
    );
    for i in 0..30 {
        reg += &format!("{i}\t{}.5\n", i * 3);
    }
    let (ins, _) = inspect_csv("r.tsv", reg.as_bytes(), None).unwrap();
    assert_eq!((ins.task.as_str(), ins.rows), ("regression", 30));
    assert!(ins.classes.is_empty() && ins.class_counts.is_empty());
    // unknown label
    assert_eq!(
        inspect_csv("f.tsv", text, Some("kind"))
            .unwrap_err()
            .to_string(),
        "f.tsv:1: unknown label column \"kind\"; the columns are f1, f2, species"
    );
}

/// Lines of spaces and tabs before the header are skipped as blank lines are, and an unknown
/// label column is reported on the header's own line (it said line 1 when the lines before it
/// held spaces): through `inspect`, the strict reader and `train --data`'s load.
#[test]
fn an_unknown_label_is_reported_on_the_headers_line_after_lines_of_spaces() {
    let text = b"  \n\t\n\n \t \r\na,b,c\n1,2,x\n3,4,y\n5,6,x\n";
    let expected = "sp.csv:5: unknown label column \"nope\"; the columns are a, b, c";
    let err = inspect_csv("sp.csv", text, Some("nope")).unwrap_err();
    assert_eq!(err.to_string(), expected);
    assert_eq!(err.line, Some(5));
    let strict = gradscope::data::parse_csv("sp.csv", text, "nope", 0.5, 1).unwrap_err();
    assert_eq!(strict.to_string(), expected);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sp.csv");
    std::fs::write(&path, text).expect("write");
    let loaded = gradscope::data::load_now(&gradscope::data::DataSource {
        path: path.clone(),
        import: gradscope::data::FileImport::Auto {
            label: Some("nope".into()),
            train_ratio: 0.5,
            seed: 1,
            bad_numbers: Default::default(),
        },
    });
    let message = loaded.map(|_| ()).unwrap_err().to_string();
    assert_eq!(
        message,
        expected.replacen("sp.csv", &path.display().to_string(), 1)
    );
    // A header cell holding line breaks is quoted and escaped: the message stays one line.
    let quoted = b"\"first\nheader\",a,y\n1,2,x\n3,4,y\n";
    assert_eq!(
        inspect_csv("q.csv", quoted, Some("nope"))
            .unwrap_err()
            .to_string(),
        "q.csv:1: unknown label column \"nope\"; the columns are \"first\\nheader\", a, y"
    );
    // The header's line is the table's: a `sep=` line and blank lines counted.
    let table = read_table(
        "t.csv",
        b"sep=;\n\n   \na;b\n1;2\n",
        &CsvOptions {
            delimiter: b';',
            ..CsvOptions::default()
        },
    )
    .expect("reads");
    assert_eq!(table.header_line(), 4);
}

/// A spreadsheet's export may start with rows of empty cells (`,,` or a line of tabs) or
/// lines of spaces and tabs: they are skipped before the header by the delimiter guess, the
/// header guess and the reader alike. 150 lines of a space and a tab before a CSV header made
/// tab the delimiter, and a `,,` line was taken for the header.
#[test]
fn empty_records_and_lines_of_white_space_before_the_header_are_skipped() {
    let rows: String = (0..20)
        .map(|i| format!("{i},{}.5,{}\n", i * 2, i % 2))
        .collect();
    let cases = [
        (format!(",,\na,b,y\n{rows}"), b',', 2),
        (format!("{}a,b,y\n{rows}", " \t\n".repeat(150)), b',', 151),
        (
            format!(
                "\t\t\r\na\tb\ty\r\n{}",
                rows.replace(',', "\t").replace('\n', "\r\n")
            ),
            b'\t',
            2,
        ),
    ];
    // Lone CR line ends count as lines too.
    let cases = cases.into_iter().chain([(
        format!("\r \r,,\ra,b,y\r{}", rows.replace('\n', "\r")),
        b',',
        4,
    )]);
    for (text, delimiter, header_line) in cases {
        // As the importer reads a file: decoded first (lone CRs become line feeds).
        let decoded = decode_input("e.csv", text.as_bytes()).expect("decodes");
        let options = sniff_csv(&decoded);
        assert_eq!(options.delimiter, delimiter, "{text:?}");
        assert!(options.has_header, "{text:?}");
        let table = read_table("e.csv", &decoded, &options).expect("reads");
        assert_eq!(table.columns, ["a", "b", "y"]);
        assert_eq!(table.n_rows(), 20);
        assert_eq!(table.header_line(), header_line);
        let err = inspect_csv("e.csv", text.as_bytes(), Some("z")).unwrap_err();
        assert_eq!(err.line, Some(header_line));
        let (ins, _) = inspect_csv("e.csv", text.as_bytes(), None).expect("inspects");
        assert_eq!(ins.rows, 20);
    }
}

/// A label of numbers with a cell too large for `f32` (3.5e38) was read as text, making
/// each of its 30 values a class; it is refused at that cell, or, with `--bad-numbers
/// missing`, that row is left out and the label stays a regression target. A label with
/// words among its cells is still text.
#[test]
fn a_label_of_numbers_with_a_cell_too_large_for_f32_is_refused_at_that_cell() {
    let mut text = String::from("x,y\n");
    for i in 0..30 {
        let y = if i == 4 {
            "3.5e38".to_string()
        } else {
            format!("{:.3}", 1.0 + i as f64 * 0.137)
        };
        text += &format!("{i},{y}\n");
    }
    let err = inspect_csv("big.csv", text.as_bytes(), Some("y")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "big.csv:6:2: \"3.5e38\" in column \"y\" is not a finite number (1 of 30 cells): a label \
         of numbers must be finite as a 32-bit float (at most 3.4e38 in size); scale the column, \
         or leave such rows out (--bad-numbers missing)"
    );
    let options = sniff_csv(text.as_bytes());
    let table = read_table("big.csv", text.as_bytes(), &options).expect("reads");
    let settings = ImportSettings {
        bad_numbers: gradscope::data::BadNumbers::Missing,
        ..ImportSettings::guess(&table, options)
    };
    let data = build_dataset("big.csv", "big.csv", &table, &settings).expect("builds");
    assert_eq!(data.task, Task::Regression);
    assert_eq!(data.train.len() + data.test.len(), 29);
    let words = text.replace("1.137", "cat");
    let (ins, _) = inspect_csv("words.csv", words.as_bytes(), Some("y")).expect("inspects");
    assert_eq!(ins.task, "classification");
}

#[test]
fn cell_errors_name_the_exact_line() {
    let err = inspect_err(b"x1,x2,label\n\"1\n\",2,a\n3,4,b\n5,inf,a\n");
    assert_eq!(
        err,
        "bad.csv:5:2: \"inf\" in column \"x2\" is not a finite number (1 of 3 cells): treat \
         such cells as missing or exclude the column (--bad-numbers missing|exclude)"
    );
    let err = inspect_err(b"x1,x2,label\n\"1\n\",zz,a\n3,4,b\n5,6,a\n");
    assert!(
        err.starts_with("bad.csv:3:2: \"zz\" in column \"x2\" is not a number (1 of 3 cells)"),
        "{err}"
    );
}

#[test]
fn reading_reports_progress_and_can_be_cancelled() {
    let mut text = String::from("x,label\n");
    for i in 0..10_000 {
        text.push_str(&format!("{i},{}\n", i % 2));
    }
    let options = sniff_csv(text.as_bytes());
    let seen = std::sync::Mutex::new(Vec::new());
    let table = read_table_with_progress("p.csv", text.as_bytes(), &options, &|bytes| {
        seen.lock().unwrap().push(bytes);
        true
    })
    .expect("reads");
    assert_eq!(table.n_rows(), 10_000);
    // 10 001 records (header included): reports after records 4096 and 8192, at the byte
    // where the record being read starts.
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 2);
    let start_of_record = |k: usize| {
        text.split_inclusive('\n')
            .take(k - 1)
            .map(str::len)
            .sum::<usize>() as u64
    };
    assert_eq!(seen, [start_of_record(4096), start_of_record(8192)]);

    let err = read_table_with_progress("p.csv", text.as_bytes(), &options, &|_| false).unwrap_err();
    assert_eq!(err.to_string(), "p.csv: cancelled");
}

#[test]
fn a_large_table_is_gathered_row_for_row_on_every_core() {
    // Over 65 536 rows, so the features are written by several threads: every sample's
    // features must still be its own row's (x = the label, one-hot c = label mod 3).
    let mut text = String::from("x,c,y\n");
    for i in 0..200_000u32 {
        let x = if i % 1000 == 7 {
            "NA".to_string()
        } else {
            i.to_string()
        };
        text += &format!("{x},{},{i}\n", ["a", "b", "c"][(i % 3) as usize]);
    }
    let (options, table) = table(text.as_bytes());
    let mut settings = ImportSettings::guess(&table, options);
    settings.standardize = false;
    let ds = build_dataset("big", "big.csv", &table, &settings).unwrap();
    assert_eq!(ds.feature_names, ["x", "c=a", "c=b", "c=c"]);
    assert_eq!(ds.task, Task::Regression);
    assert_eq!(ds.train.len() + ds.test.len(), 200_000 - 200);
    for split in [&ds.train, &ds.test] {
        let Labels::Values(labels) = &split.labels else {
            panic!("regression labels")
        };
        let features = split.features.as_f32().unwrap();
        for (row, &y) in features.chunks_exact(4).zip(labels) {
            let k = (y as u32 % 3) as usize;
            let mut one_hot = [0.0f32; 3];
            one_hot[k] = 1.0;
            assert_eq!(
                row,
                [y, one_hot[0], one_hot[1], one_hot[2]],
                "row of label {y}"
            );
        }
    }
}

/// The tester's `nonnum.csv` with its bad cell treated as missing: the report says what
/// becomes of each of the 5 rows (3 train, 1 test, 1 left out, named with why), counts the
/// cell among the missing values, and counts the classes of the rows used, not of the file.
#[test]
fn the_report_accounts_for_every_row() {
    let text = b"a,b,label\n1,2,x\n3,oops,y\n5,6,z\n7,8,x\n9,10,y\n";
    let (options, table) = table(text);
    let settings = ImportSettings {
        bad_numbers: BadNumbers::Missing,
        ..ImportSettings::guess(&table, options)
    };
    let report = report("nonnum.csv", &table, &settings);
    assert_eq!(report.error, None);
    assert_eq!((report.rows_read, report.rows), (5, 4));
    assert_eq!((report.train_rows, report.test_rows), (3, 1));
    assert_eq!(report.dropped_missing_feature, 1);
    let listed: Vec<String> = report.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        ["line 3: \"oops\" in column \"b\" is not a number, treated as missing"]
    );
    assert_eq!((report.missing_values, report.treated_as_missing), (0, 1));
    let counts = [("x", 2), ("y", 1), ("z", 1)].map(|(c, n)| (c.to_string(), n));
    assert_eq!(report.class_counts, counts);
    // The build agrees with the report.
    let (data, built) = build_with_report("nonnum", "nonnum.csv", &table, &settings).unwrap();
    assert_eq!((data.train.len(), data.test.len()), (3, 1));
    assert_eq!(built, report);

    // Filled with the mean, no row is left out: 3 train and 2 test make the 5.
    let filled = ImportSettings {
        missing: MissingPolicy::FillMean,
        ..settings
    };
    let report = report_of(&table, &filled);
    assert_eq!(
        (report.rows, report.train_rows, report.test_rows),
        (5, 3, 2)
    );
    assert!(report.left_out.is_empty());
}

fn report_of(table: &Table, settings: &ImportSettings) -> gradscope::data::TableReport {
    report("t.csv", table, settings)
}

/// Rows left out for a missing label or feature are named by the line they start on, also
/// when the build freed the text of a table of numbers first (a quoted line break in a column
/// not used moves the lines down), and at most five are listed.
#[test]
fn rows_left_out_are_named_by_their_lines_after_the_text_is_freed() {
    let mut text = String::from("note,x,y\n\"two\nlines\",1,0\n");
    for i in 0..12 {
        let x = if i % 3 == 1 {
            "NA".to_string()
        } else {
            i.to_string()
        };
        let y = if i == 5 || i == 11 {
            ""
        } else {
            ["0", "1"][i % 2]
        };
        text += &format!("n,{x},{y}\n");
    }
    let (options, table) = table(text.as_bytes());
    let settings = ImportSettings {
        features: vec![1],
        ..ImportSettings::guess(&table, options)
    };
    let expected = [
        "line 5: a missing value in column \"x\"",
        "line 8: a missing value in column \"x\"",
        "line 9: a missing label in column \"y\"",
        "line 11: a missing value in column \"x\"",
        "line 14: a missing value in column \"x\"",
    ];
    let report = report("t.csv", &table, &settings);
    let listed: Vec<String> = report.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(listed, expected);
    // Six in all: the sixth (line 15, a missing label) is counted, not listed.
    assert_eq!(
        (report.dropped_missing_label, report.dropped_missing_feature),
        (2, 4)
    );
    // `build_owned` frees the text before deciding (x and y are numbers): the same lines.
    let (_, built) = build_owned("t", "t.csv", table, &settings).unwrap();
    let listed: Vec<String> = built.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(listed, expected);
}

/// A label of numbers with an `inf` cell: the report counts it before building (so the
/// wizard can offer to leave its row out), the error names the command line's flag and, in
/// the window, the wizard's control; left out, its row is named with why.
#[test]
fn a_non_finite_label_is_counted_and_its_remedy_named_for_each_interface() {
    let text = b"a,b,label\n1,2,0\n2,3,inf\n3,4,1\n";
    let (options, table) = table(text);
    let mut settings = ImportSettings::guess(&table, options);
    let refused = report("inflabel.csv", &table, &settings);
    assert_eq!(refused.non_finite_labels, 1);
    let error = refused.error.expect("refused");
    let message = "inflabel.csv:3:3: \"inf\" in column \"label\" is not a finite number (1 of 3 \
                   cells): a label of numbers must be finite as a 32-bit float (at most 3.4e38 \
                   in size); scale the column, or leave such rows out";
    assert_eq!(
        error.to_string(),
        format!("{message} (--bad-numbers missing)")
    );
    assert_eq!(
        error.in_window(),
        format!("{message} (choose \"leave those rows out\" under the preview)")
    );
    settings.bad_numbers = BadNumbers::Missing;
    let report = report("inflabel.csv", &table, &settings);
    assert_eq!(report.error, None);
    assert_eq!(
        (report.rows, report.train_rows, report.test_rows),
        (2, 2, 0)
    );
    let listed: Vec<String> = report.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        ["line 3: \"inf\" in column \"label\" is not a finite number"]
    );
    assert_eq!((report.missing_values, report.treated_as_missing), (0, 1));
}
