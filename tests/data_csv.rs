//! The CSV reader (`data::csv`): classification and regression files, the label column by
//! name or index, the task decided from the labels, and cell errors with their line.

use std::path::Path;

use gradscope::data::{Dataset, Labels, Task, load_csv, parse_csv};

fn parse(text: &str, label: &str) -> Result<Dataset, String> {
    parse_csv("bad.csv", text.as_bytes(), label, 0.5, 1).map_err(|e| e.to_string())
}

fn parse_err(text: &str, label: &str) -> String {
    parse(text, label).expect_err("the file should be rejected")
}

fn all_classes(ds: &Dataset) -> Vec<usize> {
    let mut out = Vec::new();
    for split in [&ds.train, &ds.test] {
        out.extend(split.classes(&(0..split.len()).collect::<Vec<_>>()));
    }
    out
}

#[test]
fn parses_a_classification_file() {
    let text = "x1, x2 ,label\n1.0,2.0,b\n3.0,4.0,a\n5.0,6.0,b\n7.0,8.0,a\n-1,0.5e1,b\n2, 3,a\n";
    let ds = parse_csv("good.csv", text.as_bytes(), "label", 0.5, 1).unwrap();
    assert_eq!(ds.name, "good.csv");
    assert_eq!(ds.feature_names, ["x1", "x2"]);
    assert_eq!(
        ds.task,
        Task::Classification {
            class_names: vec!["a".into(), "b".into()]
        }
    );
    assert_eq!((ds.train.len(), ds.test.len()), (4, 2));
    let mut classes = all_classes(&ds);
    classes.sort();
    assert_eq!(classes, [0, 0, 0, 1, 1, 1]);

    // features standardised with the training split: mean 0, std 1 there
    let s = ds.standardizer.as_ref().unwrap();
    for j in 0..2 {
        assert!(ds.feature_mean(j).abs() < 1e-6);
        let n = ds.train.len() as f32;
        let var: f32 = (0..ds.train.len())
            .map(|i| ds.train.row(i)[j].powi(2))
            .sum::<f32>()
            / n;
        assert!((var - 1.0).abs() < 1e-5);
        assert!(s.std[j] > 0.0);
    }
    // Undoing the standardisation gives back file values, e.g. the row "-1,0.5e1,b".
    let mut found = false;
    for split in [&ds.train, &ds.test] {
        for i in 0..split.len() {
            let mut row = split.row(i).to_vec();
            s.unstandardize_row(&mut row);
            found |= (row[0] + 1.0).abs() < 1e-5 && (row[1] - 5.0).abs() < 1e-5;
        }
    }
    assert!(found);
}

#[test]
fn label_column_by_index_and_position() {
    let text = "id,a,b\nx,1,2\ny,3,4\nx,5,6\ny,7,8\n";
    let by_index = parse(text, "0").unwrap();
    let by_name = parse(text, "id").unwrap();
    assert_eq!(by_index, by_name);
    assert_eq!(by_index.feature_names, ["a", "b"]);
    // a header name wins over an index
    let ds = parse("2,1,0\n1,2,a\n3,4,b\n", "0").unwrap();
    assert_eq!(ds.feature_names, ["2", "1"]);
    assert!(ds.is_classification());
}

#[test]
fn many_distinct_float_labels_mean_regression() {
    let mut text = String::from("x,y\n");
    for i in 0..30 {
        text += &format!("{i},{}\n", i as f32 * 0.37 + 1.5);
    }
    let ds = parse_csv("reg.csv", text.as_bytes(), "y", 0.8, 2).unwrap();
    assert_eq!(ds.task, Task::Regression);
    assert_eq!(ds.n_classes(), None);
    assert_eq!((ds.train.len(), ds.test.len()), (24, 6));
    let Labels::Values(values) = &ds.train.labels else {
        panic!()
    };
    // labels are kept in file units (not standardised); recover x and check y = 0.37x + 1.5
    let s = ds.standardizer.as_ref().unwrap();
    for (i, y) in values.iter().enumerate() {
        let mut row = ds.train.row(i).to_vec();
        s.unstandardize_row(&mut row);
        assert!((y - (row[0] * 0.37 + 1.5)).abs() < 1e-4);
    }
}

#[test]
fn few_integer_labels_are_classes_in_numeric_order() {
    let text = "x,y\n1,10\n2,2\n3,-1\n4,10\n5,2.0\n6,-1\n7,-0\n8,0\n";
    let ds = parse(text, "y").unwrap();
    assert_eq!(
        ds.task,
        Task::Classification {
            class_names: vec!["-1".into(), "0".into(), "2".into(), "10".into()]
        }
    );
    let mut classes = all_classes(&ds);
    classes.sort();
    assert_eq!(classes, [0, 0, 1, 1, 2, 2, 3, 3]);
}

#[test]
fn twenty_one_distinct_integers_mean_regression() {
    let rows = |n: usize| (0..n).map(|i| format!("{i},{i}\n")).collect::<String>();
    assert!(
        parse(&format!("x,y\n{}", rows(20)), "y")
            .unwrap()
            .is_classification()
    );
    assert_eq!(
        parse(&format!("x,y\n{}", rows(21)), "y").unwrap().task,
        Task::Regression
    );
}

#[test]
fn handles_bom_crlf_blank_lines_and_quotes() {
    let text = "\u{feff}\"x,1\",x2,label\r\n\r\n\"1.5\",2,\"say \"\"hi\"\"\"\r\n3,4,plain\r\n";
    let ds = parse(text, "label").unwrap();
    assert_eq!(ds.feature_names, ["x,1", "x2"]);
    assert_eq!(
        ds.task,
        Task::Classification {
            class_names: vec!["plain".into(), "say \"hi\"".into()]
        }
    );
}

#[test]
fn loads_a_file_from_disk() {
    let dir = std::env::temp_dir().join(format!("gradscope-data-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tiny.csv");
    std::fs::write(&path, "a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n").unwrap();
    let ds = load_csv(&path, "c", 0.5, 0).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(ds.name, "tiny.csv");
    assert_eq!((ds.train.len(), ds.test.len()), (2, 2));
}

#[test]
fn missing_file() {
    let err = load_csv(
        Path::new("/nonexistent/gradscope/missing.csv"),
        "label",
        0.8,
        0,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "/nonexistent/gradscope/missing.csv: the file does not exist"
    );
    assert_eq!((err.line, err.column), (None, None));
}

#[test]
fn empty_file() {
    assert_eq!(parse_err("", "label"), "bad.csv: the file is empty");
    assert_eq!(parse_err("\n\r\n\n", "label"), "bad.csv: the file is empty");
}

#[test]
fn header_only() {
    assert_eq!(parse_err("x1,x2,label\n", "label"), "bad.csv: no data rows");
}

#[test]
fn wrong_field_count() {
    let text = "x1,x2,label\n1,2,a\n3,4,5,b\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:3: 4 fields, the header has 3"
    );
    assert_eq!(
        parse_err("x1,x2,label\n1\n", "label"),
        "bad.csv:2: 1 field, the header has 3"
    );
}

#[test]
fn non_numeric_feature_cell() {
    let text = "x1,x2,label\n1.0,2.0,a\n3.0,abc,b\n";
    let err = parse_csv("bad.csv", text.as_bytes(), "label", 0.5, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.csv:3:2: \"abc\" in column \"x2\" is not a number"
    );
    assert_eq!((err.line, err.column), (Some(3), Some(2)));
}

#[test]
fn line_numbers_count_quoted_line_breaks_blank_lines_and_crlf() {
    // a quoted label spanning lines 2-3 pushes the bad cell to line 4
    let text = "x1,x2,label\n1,2,\"two\nlines\"\n3,oops,b\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:4:2: \"oops\" in column \"x2\" is not a number"
    );
    // a bad cell after a multi-line cell of the same record
    let text = "x1,x2,label\n\"1\n\",zz,a\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:3:2: \"zz\" in column \"x2\" is not a number"
    );
    // CRLF line ends and a blank line
    let text = "x1,x2,label\r\n1,2,a\r\n\r\n3,x,b\r\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:4:2: \"x\" in column \"x2\" is not a number"
    );
    // blank lines before the header
    let text = "\n\nx1,x2,label\n1,2,a,extra\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:4: 4 fields, the header has 3"
    );
}

#[test]
fn empty_and_non_finite_cells() {
    assert_eq!(
        parse_err("x1,x2,label\n1,,a\n", "label"),
        "bad.csv:2:2: empty cell in column \"x2\" (expected a number)"
    );
    assert_eq!(
        parse_err("x1,x2,label\n1,2,a\ninf,2,b\n", "label"),
        "bad.csv:3:1: \"inf\" in column \"x1\" is not a finite number"
    );
    assert_eq!(
        parse_err("x1,x2,label\n1,2, \n", "label"),
        "bad.csv:2:3: empty label in column \"label\""
    );
}

#[test]
fn long_cells_are_shortened() {
    let cell = "a".repeat(50);
    let text = format!("x,label\n{cell},b\n");
    let expected = format!(
        "bad.csv:2:1: \"{}…\" in column \"x\" is not a number",
        "a".repeat(40)
    );
    assert_eq!(parse_err(&text, "label"), expected);
}

#[test]
fn unknown_label_column() {
    let text = "x1,x2,label\n1,2,a\n";
    assert_eq!(
        parse_err(text, "species"),
        "bad.csv:1: unknown label column \"species\"; the columns are x1, x2, label"
    );
    assert_eq!(
        parse_err(text, "3"),
        "bad.csv:1: unknown label column \"3\"; the columns are x1, x2, label"
    );
}

#[test]
fn only_a_label_column() {
    assert_eq!(
        parse_err("label\na\nb\n", "label"),
        "bad.csv:1: no feature columns besides the label column"
    );
}

#[test]
fn unterminated_quote() {
    let text = "x1,x2,label\n\"1.0,2.0,a\n3.0,4.0,b\n";
    let err = parse_csv("bad.csv", text.as_bytes(), "label", 0.5, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.csv:2:1: unterminated quote (the quoted cell starting here never ends)"
    );
    // in a later column, after a correctly quoted cell with a doubled quote
    let text = "x1,x2,label\n1,2,\"a\"\"b\"\n3,\"4,b\n5,6,c\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:3:2: unterminated quote (the quoted cell starting here never ends)"
    );
    // in the header
    assert_eq!(
        parse_err("x1,\"x2,label\n1,2,a\n", "label"),
        "bad.csv:1:2: unterminated quote (the quoted cell starting here never ends)"
    );
    // an earlier error is reported first
    let text = "x1,x2,label\n1,q,a\n\"3,4,b\n";
    assert_eq!(
        parse_err(text, "label"),
        "bad.csv:2:2: \"q\" in column \"x2\" is not a number"
    );
}

#[test]
fn invalid_utf8() {
    let err = parse_csv("bad.csv", b"x1,x2,label\n1,2,\xff\n", "label", 0.5, 1).unwrap_err();
    assert_eq!(err.to_string(), "bad.csv:2:3: the cell is not valid UTF-8");
}

#[test]
fn bad_train_ratio() {
    assert_eq!(
        parse_csv("bad.csv", b"x,y\n1,a\n", "y", 0.0, 1)
            .unwrap_err()
            .to_string(),
        "bad.csv: train_ratio must be in (0, 1], got 0"
    );
}
