//! Property tests: the loaders never panic, whatever the bytes.

use gradscope::data::{
    CsvOptions, decode_input, inspect_csv, parse_csv, parse_idx_images, parse_idx_labels,
    read_table, sniff_csv,
};
use proptest::prelude::*;

/// Small CSV-like texts: digits, letters, the delimiters, quotes, line ends and spaces.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"0123456789.-abcxyzNA?,;\t|\"\r\n ".to_vec();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..120)
}

/// Every importer step on `bytes`; results are ignored, only panics matter.
fn run_importer(bytes: &[u8]) {
    if let Ok(text) = decode_input("f.csv", bytes) {
        let options = sniff_csv(&text);
        let _ = read_table("f.csv", &text, &options);
        for delimiter in [b',', b';', b'\t', b'|'] {
            for has_header in [true, false] {
                let options = CsvOptions {
                    delimiter,
                    has_header,
                    decimal_comma: delimiter == b';',
                };
                let _ = read_table("f.csv", &text, &options);
            }
        }
    }
    let _ = inspect_csv("f.csv", bytes, None);
    let _ = inspect_csv("f.csv", bytes, Some("0"));
    let _ = parse_csv("f.csv", bytes, "0", 0.5, 1);
    let _ = parse_csv("f.csv", bytes, "label", 1.0, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn importer_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        run_importer(&bytes);
    }

    #[test]
    fn importer_never_panics_on_csv_like_text(text in csv_like()) {
        run_importer(&text);
    }

    #[test]
    fn importer_never_panics_on_gzipped_text(text in csv_like(), cut in 0usize..64) {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&text).unwrap();
        let mut raw = gz.finish().unwrap();
        run_importer(&raw);
        raw.truncate(raw.len().saturating_sub(cut));
        run_importer(&raw);
    }

    #[test]
    fn idx_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_idx_images("x.idx", &bytes);
        let _ = parse_idx_labels("x.idx", &bytes);
    }

    #[test]
    fn idx_parsers_never_panic_on_plausible_headers(
        magic in prop_oneof![Just(0x0803u32), Just(0x0801u32), any::<u32>()],
        counts in proptest::collection::vec(0u32..40, 3),
        body in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = magic.to_be_bytes().to_vec();
        for c in &counts {
            bytes.extend_from_slice(&c.to_be_bytes());
        }
        bytes.extend_from_slice(&body);
        let _ = parse_idx_images("x.idx", &bytes);
        let _ = parse_idx_labels("x.idx", &bytes);
    }
}
