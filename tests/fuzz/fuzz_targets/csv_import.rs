//! The whole CSV/TSV importer on arbitrary bytes: gzip detection, sniffing, the table
//! reader under every delimiter and header choice, and dataset building.
#![no_main]

use gradscope::data::{CsvOptions, decode_input, inspect_csv, parse_csv, read_table, sniff_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = decode_input("f.csv", bytes) {
        let guessed = sniff_csv(&text);
        let _ = read_table("f.csv", &text, &guessed);
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
    let _ = parse_csv("f.csv", bytes, "0", 0.5, 1);
});
