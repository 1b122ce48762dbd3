//! GIF recording (`experiment::gif`): a recording decodes with the right frame count and size.

use std::path::Path;

use gradscope::experiment::{GifRecorder, GifSettings, RgbaFrame, write_gif};

mod experiment_common;

use experiment_common::temp_dir;

fn colored_frame(width: usize, height: usize, shade: u8) -> RgbaFrame {
    let mut rgba = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        for x in 0..width {
            rgba.extend_from_slice(&[shade, (x * 20) as u8, (y * 30) as u8, 255]);
        }
    }
    RgbaFrame {
        width,
        height,
        rgba,
    }
}

fn decode_gif(path: &Path) -> Vec<image::Frame> {
    use image::AnimationDecoder;
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    let decoder = image::codecs::gif::GifDecoder::new(file).expect("gif header");
    decoder.into_frames().collect_frames().expect("frames")
}

#[test]
fn a_saved_gif_decodes_with_the_right_frame_count() {
    let dir = temp_dir();
    let path = dir.path().join("run.gif");
    let frames: Vec<RgbaFrame> = (0..5).map(|i| colored_frame(12, 8, i * 50)).collect();
    write_gif(&path, &frames, 10.0).expect("write");
    let decoded = decode_gif(&path);
    assert_eq!(decoded.len(), 5);
    for frame in &decoded {
        assert_eq!(frame.buffer().dimensions(), (12, 8));
        assert_eq!(frame.delay().numer_denom_ms(), (100, 1));
    }
    // The first pixel's red channel follows the frames' shades (a palette is exact for these
    // few colours).
    let reds: Vec<u8> = decoded
        .iter()
        .map(|f| f.buffer().get_pixel(0, 0)[0])
        .collect();
    assert_eq!(reds, [0, 50, 100, 150, 200]);

    // A recorder stops at fps × seconds frames and fits other sizes to the first.
    let path = dir.path().join("recorded.gif");
    let settings = GifSettings {
        fps: 2.0,
        seconds: 1.5,
    };
    assert_eq!(settings.frame_count(), 3);
    let mut recorder = GifRecorder::create(&path, 12, 8, settings).expect("create");
    assert!(recorder.add_frame(&colored_frame(12, 8, 0)).expect("frame"));
    assert!(recorder.add_frame(&colored_frame(20, 4, 0)).expect("frame"));
    assert!(!recorder.add_frame(&colored_frame(6, 6, 0)).expect("frame"));
    assert!(recorder.is_full());
    assert!(
        !recorder
            .add_frame(&colored_frame(12, 8, 0))
            .expect("ignored")
    );
    assert!(!path.exists(), "nothing is in place before finish");
    recorder.finish().expect("finish");
    let decoded = decode_gif(&path);
    assert_eq!(decoded.len(), 3);
    assert_eq!(decoded[2].delay().numer_denom_ms(), (500, 1));
    assert_eq!(decoded[2].buffer().get_pixel(8, 7).0, [255, 255, 255, 255]);

    let bad = RgbaFrame {
        width: 12,
        height: 8,
        rgba: vec![0; 10],
    };
    let error = write_gif(&dir.path().join("bad.gif"), &[bad], 10.0)
        .expect_err("short buffer")
        .to_string();
    assert!(
        error.ends_with("a 12×8 frame needs 384 bytes of RGBA, got 10"),
        "{error}"
    );
    assert!(
        GifRecorder::create(
            &path,
            12,
            8,
            GifSettings {
                fps: 0.0,
                seconds: 1.0
            }
        )
        .is_err()
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary file is left behind: {names:?}"
    );
}
