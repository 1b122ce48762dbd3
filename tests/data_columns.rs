//! Property test of issue 12's promise that no column is lost in silence: for arbitrary
//! CSV-like tables (columns of numbers, numbers with thousands separators, a few bad cells,
//! few or many text values, all missing, constant), every column of the file is either in the
//! built data set (the label, or features named after it) or listed as excluded with a
//! reason — exactly once, in file order.

use gradscope::data::{
    BadNumbers, ColumnUse, ImportSettings, build_with_report, decode_input, read_table, report,
    sniff_csv,
};
use proptest::prelude::*;

/// The cell in row `i` of a column of kind `kind` (0–6).
fn cell(kind: u8, i: usize, salt: u32) -> String {
    let salt = salt as usize;
    match kind {
        0 => format!("{}.{}", (i * 7 + salt) % 50, i % 10),
        1 => format!("\"{},{:03}.5\"", 1 + (i + salt) % 9, (i * 37) % 1000),
        2 if i == 3 => "oops".to_string(),
        2 => format!("{}", (i * 3 + salt) % 17),
        3 => ["red", "green", "blue"][(i + salt) % 3].to_string(),
        4 => format!("id{i}_{salt}"),
        5 => "NA".to_string(),
        _ => "7".to_string(),
    }
}

/// A header of `kinds.len()` columns named c0, c1, … and `rows` rows, then the label.
fn table_text(kinds: &[u8], rows: usize, salt: u32) -> String {
    let mut text = String::new();
    for j in 0..kinds.len() {
        text += &format!("c{j},");
    }
    text += "label\n";
    for i in 0..rows {
        for &kind in kinds {
            text += &cell(kind, i, salt);
            text.push(',');
        }
        text += if i % 2 == 0 { "yes\n" } else { "no\n" };
    }
    text
}

/// Checks the promise on one text; `policy` says what to do with a few bad cells.
fn every_column_is_accounted_for(text: &str, policy: BadNumbers) -> Result<(), TestCaseError> {
    let Ok(decoded) = decode_input("f.csv", text.as_bytes()) else {
        return Ok(());
    };
    let options = sniff_csv(&decoded);
    let Ok(table) = read_table("f.csv", &decoded, &options) else {
        return Ok(());
    };
    let settings = ImportSettings {
        bad_numbers: policy,
        ..ImportSettings::guess(&table, options)
    };
    // Whether or not the build succeeds, the report has one decision per column, in order.
    let decisions = report("f.csv", &table, &settings).columns;
    let named: Vec<&str> = decisions.iter().map(|d| d.column.as_str()).collect();
    let file: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    prop_assert_eq!(named, file);
    for (j, d) in decisions.iter().enumerate() {
        prop_assert_eq!(d.index, j);
        if d.is_excluded() {
            prop_assert!(
                !d.reason.is_empty(),
                "{} excluded without a reason",
                d.column
            );
            prop_assert!(d.features.is_empty());
        }
    }
    let Ok((data, built)) = build_with_report("f", "f.csv", &table, &settings) else {
        return Ok(());
    };
    prop_assert_eq!(&built.columns, &decisions);
    // Built + excluded = the file: features come from the kept columns, in order.
    let from_kept: Vec<String> = built
        .columns
        .iter()
        .filter(|d| !d.is_excluded() && d.kind != ColumnUse::Label)
        .flat_map(|d| d.features.clone())
        .collect();
    prop_assert_eq!(&from_kept, &data.feature_names);
    let labels = built
        .columns
        .iter()
        .filter(|d| d.kind == ColumnUse::Label)
        .count();
    let excluded = built.columns.iter().filter(|d| d.is_excluded()).count();
    let kept = built.columns.len() - labels - excluded;
    prop_assert_eq!(labels, 1);
    prop_assert_eq!(labels + kept + excluded, table.columns.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn built_plus_excluded_columns_are_the_columns_of_the_file(
        kinds in proptest::collection::vec(0u8..7, 1..7),
        rows in 4usize..40,
        salt in 0u32..1000,
        policy in prop_oneof![Just(BadNumbers::Missing), Just(BadNumbers::Exclude)],
    ) {
        every_column_is_accounted_for(&table_text(&kinds, rows, salt), policy)?;
    }

    #[test]
    fn the_same_holds_for_arbitrary_csv_like_text(
        bytes in proptest::collection::vec(
            proptest::sample::select(b"0123456789.-abcxyzNA?,;\t|\"\r\n ".to_vec()),
            0..200,
        ),
    ) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        every_column_is_accounted_for(&text, BadNumbers::Missing)?;
    }
}

#[test]
fn one_table_of_every_kind_builds_and_lists_three_causes() {
    let text = table_text(&[0, 1, 2, 3, 4, 5, 6], 30, 11);
    every_column_is_accounted_for(&text, BadNumbers::Missing).unwrap();
    let decoded = decode_input("f.csv", text.as_bytes()).unwrap();
    let options = sniff_csv(&decoded);
    let table = read_table("f.csv", &decoded, &options).unwrap();
    let settings = ImportSettings {
        bad_numbers: BadNumbers::Missing,
        ..ImportSettings::guess(&table, options)
    };
    let (data, built) = build_with_report("f", "f.csv", &table, &settings).unwrap();
    let uses: Vec<ColumnUse> = built.columns.iter().map(|d| d.kind).collect();
    use ColumnUse::{Excluded, Label, Number, OneHot};
    assert_eq!(
        uses,
        [
            Number, Number, Number, OneHot, Excluded, Excluded, Excluded, Label
        ]
    );
    // c0, c1 (thousands separators), c2 (bad cell as missing), c3 as red/green/blue.
    assert_eq!(data.n_features(), 6);
    let causes: Vec<String> = built
        .excluded()
        .map(|d| serde_json::to_string(&d.cause).unwrap())
        .collect();
    assert_eq!(
        causes,
        ["\"too_many_values\"", "\"all_missing\"", "\"constant\""]
    );
}

/// Records of plain numbers (read in one go) mixed with records that are not (a missing
/// cell, a bad one, a quoted number, a trailing empty field, spaces, `+` and an exponent):
/// every column's counts and values are those of reading each cell on its own.
#[test]
fn plain_records_and_the_others_are_counted_alike() {
    let text =
        "a,b,c\n1,2,3\n4,NA,6\n7,x,9\n\"10\",11,12\n13,14,15,\n 16 ,17,18\n+19,2e1,21\n22,23,24\n";
    let decoded = decode_input("f.csv", text.as_bytes()).unwrap();
    let options = sniff_csv(&decoded);
    let table = read_table("f.csv", &decoded, &options).unwrap();
    assert_eq!(table.n_rows(), 8);
    let column = |j: usize| table.numbers(j).expect("a column of numbers");
    let a = column(0);
    assert_eq!(
        a.values,
        [1.0, 4.0, 7.0, 10.0, 13.0, 16.0, 19.0, 22.0],
        "column a"
    );
    assert_eq!((a.numbers, a.missing, a.bad), (8, 0, 0));
    let b = column(1);
    assert_eq!((b.numbers, b.missing, b.bad), (6, 1, 1));
    assert_eq!(b.values[0], 2.0);
    assert!(b.values[1].is_nan() && b.values[2].is_nan());
    assert_eq!(&b.values[3..], [11.0, 14.0, 17.0, 20.0, 23.0]);
    let c = column(2);
    assert_eq!((c.numbers, c.missing, c.bad), (8, 0, 0));
    assert_eq!(c.values, [3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0]);
    // A record short of a field is refused with its line, fast path or not.
    let short = decode_input("f.csv", b"a,b,c\n1,2,3\n4,5\n").unwrap();
    let error = read_table("f.csv", &short, &options).expect_err("short record");
    assert_eq!(error.to_string(), "f.csv:3: 2 fields, the header has 3");
}
