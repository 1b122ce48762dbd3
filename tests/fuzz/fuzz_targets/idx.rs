//! Both IDX parsers (images and labels, gzip detected by magic) on arbitrary bytes.
#![no_main]

use gradscope::data::{parse_idx_images, parse_idx_labels};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = parse_idx_images("x.idx", bytes);
    let _ = parse_idx_labels("x.idx", bytes);
});
