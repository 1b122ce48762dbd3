//! The model-spec parser (`--model` and the layer editor's text) on arbitrary text and input
//! shapes; a spec that parses is built, which must stay within the size limits.
#![no_main]

use gradscope::nn::{ModelSpec, Sequential, Shape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u8, u8, u8)| {
    let (text, channels, height, width) = input;
    let shape = Shape::image(channels as usize, height as usize, width as usize);
    if let Ok(spec) = ModelSpec::parse(text, shape) {
        let model = Sequential::<f32>::try_from_spec(&spec, 1);
        assert!(model.is_ok(), "parse accepted {text:?} but building failed");
        assert_eq!(ModelSpec::parse(&spec.to_text(), shape), Ok(spec));
    }
});
