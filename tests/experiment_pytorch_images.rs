//! The PyTorch export of a model trained on a folder of images (`export-pytorch`, image
//! folders): the script's configuration names the folder and the files gradscope could not
//! decode; and — where a Python with torch and pillow is found (see `tests/torch`) — the
//! script reads exactly gradscope's pixel bytes (grey and colour, 8- and 16-bit, with alpha,
//! PNG, BMP and GIF, resized up and down) and `train.py --epochs 0 --init model.safetensors`
//! evaluates the exported CNN as gradscope does, to 1e-4.

mod torch;

use std::path::{Path, PathBuf};
use std::process::Command;

use gradscope::data::{Dataset, FileImport};
use gradscope::experiment::{
    DatasetRef, ExistingFiles, Experiment, PixelScaling, Preprocessing, export_pytorch,
    parse_safetensors,
};
use gradscope::train::TrainConfig;
use image::{GrayAlphaImage, GrayImage, ImageBuffer, Luma, LumaA, Rgb, RgbImage, Rgba, RgbaImage};
use torch::{assert_same_evaluation, torch_pillow_python, trained};

/// Deterministic pixel noise (a 64-bit LCG, Knuth's constants).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }
}

/// True for the pixels of a "spot" (a bright square in the middle) of a `w × h` image.
fn in_spot(x: u32, y: u32, w: u32, h: u32) -> bool {
    x.abs_diff(w / 2) < w / 4 + 1 && y.abs_diff(h / 2) < h / 4 + 1
}

/// A grey value of class `spot` (bright middle) or `ring` (bright border) at `(x, y)`.
fn grey_value(spot: bool, x: u32, y: u32, (w, h): (u32, u32), noise: &mut Noise) -> u8 {
    let bright = in_spot(x, y, w, h) == spot;
    let base: u8 = if bright { 190 } else { 30 };
    base + noise.next() % 50
}

/// Writes `path`'s parent folders and returns `path`.
fn file(root: &Path, relative: &str) -> PathBuf {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
    path
}

/// Files every image folder of these tests holds besides its images: a hidden file and a
/// text file in the root, a text file, a sub-folder, a broken PNG (its header fails) and a
/// cut PNG (its pixels fail) in each class.
fn clutter(root: &Path, classes: &[&str]) {
    std::fs::write(file(root, ".DS_Store"), b"\0\0\0\x01Bud1").expect("write");
    std::fs::write(file(root, "notes.txt"), "two classes").expect("write");
    let mut noise = Noise(3);
    let mut whole = Vec::new();
    GrayImage::from_fn(16, 16, |_, _| Luma([noise.next()]))
        .write_to(
            &mut std::io::Cursor::new(&mut whole),
            image::ImageFormat::Png,
        )
        .expect("encode");
    for class in classes {
        std::fs::write(file(root, &format!("{class}/readme.txt")), "text").expect("write");
        std::fs::create_dir_all(root.join(class).join("more")).expect("folder");
        std::fs::write(
            file(root, &format!("{class}/broken.png")),
            b"\x89PNG\r\n\x1a\nXX",
        )
        .expect("write");
        std::fs::write(
            file(root, &format!("{class}/cut.png")),
            &whole[..whole.len() - 30],
        )
        .expect("write");
    }
}

/// Two classes of grey images, `ring` and `spot`, 12 readable images each: 8-bit 10×10 PNGs,
/// one 16-bit PNG, one grey-with-alpha PNG and one 14×12 image (resized to 10×10), plus
/// [`clutter`].
fn grey_folder(root: &Path) {
    let mut noise = Noise(7);
    for (class, spot) in [("ring", false), ("spot", true)] {
        for k in 0..12 {
            let size = if k == 5 { (14, 12) } else { (10, 10) };
            let path = file(root, &format!("{class}/{class}{k:02}.png"));
            let mut value = |x, y| grey_value(spot, x, y, size, &mut noise);
            match k {
                3 => ImageBuffer::<Luma<u16>, Vec<u16>>::from_fn(size.0, size.1, |x, y| {
                    Luma([u16::from(value(x, y)) * 257 + u16::from(noise_of(x, y))])
                })
                .save(&path),
                4 => GrayAlphaImage::from_fn(size.0, size.1, |x, y| LumaA([value(x, y), 128]))
                    .save(&path),
                _ => GrayImage::from_fn(size.0, size.1, |x, y| Luma([value(x, y)])).save(&path),
            }
            .expect("save");
        }
    }
    clutter(root, &["ring", "spot"]);
}

/// A low-bits pattern for 16-bit samples (so they are not plain multiples of 257).
fn noise_of(x: u32, y: u32) -> u8 {
    ((x * 31 + y * 17) % 200) as u8
}

/// Two classes of colour images, `blue` and `red`, 10 readable images each: RGB PNGs of
/// 12×9, one RGBA PNG of 7×11, one grey PNG (repeated in R, G, B), one BMP and one GIF; all
/// resized to 8×8 by the import settings. Plus [`clutter`].
fn colour_folder(root: &Path) {
    let mut noise = Noise(11);
    for (class, red) in [("blue", false), ("red", true)] {
        for k in 0..10 {
            let (w, h) = if k == 2 { (7, 11) } else { (12, 9) };
            let mut rgb = |x, y| {
                let strong = 150 + noise.next() % 100;
                let weak = noise.next() % 90;
                let spot = in_spot(x, y, w, h);
                let (r, b) = if red == spot {
                    (strong, weak)
                } else {
                    (weak, strong)
                };
                [r, noise.next() % 120, b]
            };
            let stem = format!("{class}/{class}{k:02}");
            match k {
                2 => RgbaImage::from_fn(w, h, |x, y| {
                    let [r, g, b] = rgb(x, y);
                    Rgba([r, g, b, 200])
                })
                .save(file(root, &format!("{stem}.png"))),
                3 => GrayImage::from_fn(w, h, |x, y| Luma([rgb(x, y)[0]]))
                    .save(file(root, &format!("{stem}.png"))),
                4 => RgbImage::from_fn(w, h, |x, y| Rgb(rgb(x, y)))
                    .save(file(root, &format!("{stem}.bmp"))),
                5 => {
                    // Written as .gif (the encoder goes by the extension), read as .GIF.
                    let gif = file(root, &format!("{stem}.gif"));
                    RgbImage::from_fn(w, h, |x, y| Rgb(rgb(x, y)))
                        .save(&gif)
                        .and_then(|()| {
                            std::fs::rename(&gif, gif.with_extension("GIF"))
                                .map_err(image::ImageError::IoError)
                        })
                }
                _ => RgbImage::from_fn(w, h, |x, y| Rgb(rgb(x, y)))
                    .save(file(root, &format!("{stem}.png"))),
            }
            .expect("save");
        }
    }
    clutter(root, &["blue", "red"]);
}

/// The configuration at the top of an exported `train.py`, as JSON.
fn script_config(dir: &Path) -> serde_json::Value {
    let script = std::fs::read_to_string(dir.join("train.py")).expect("train.py");
    let start = script.find("CONFIG = json.loads(r\"\"\"").expect("CONFIG") + 24;
    let end = start + script[start..].find("\"\"\")").expect("end of CONFIG");
    serde_json::from_str(&script[start..end]).expect("CONFIG is JSON")
}

/// The four files each class folder of [`clutter`] holds that cannot be decoded, in the
/// order gradscope reports them (header failures, then pixel failures).
fn unreadable(classes: [&str; 2]) -> serde_json::Value {
    serde_json::json!([
        format!("{}/broken.png", classes[0]),
        format!("{}/broken.png", classes[1]),
        format!("{}/cut.png", classes[0]),
        format!("{}/cut.png", classes[1]),
    ])
}

/// The preprocessing in the exported `model.safetensors`.
fn exported_preprocessing(dir: &Path) -> Preprocessing {
    let bytes = std::fs::read(dir.join("model.safetensors")).expect("weights");
    let weights = parse_safetensors("model", &bytes).expect("safetensors");
    Preprocessing::from_metadata(&weights.metadata, "model")
        .expect("valid")
        .expect("preprocessing")
}

#[test]
fn an_image_folder_exports_its_folder_size_classes_and_left_out_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("shapes");
    grey_folder(&root);
    let experiment = Experiment::new(
        DatasetRef::File {
            path: root.clone(),
            import: FileImport::default(),
        },
        TrainConfig::for_shape(Some([1, 10, 10])),
    );
    let out = dir.path().join("torch");
    let summary = export_pytorch(&experiment, &out, ExistingFiles::Refuse).expect("export");
    assert_eq!(summary.weights, "seed");
    let config = script_config(&out);
    assert_eq!(config["data"]["kind"], "image_folder");
    assert_eq!(
        config["data"]["path"],
        std::fs::canonicalize(&root)
            .expect("absolute")
            .display()
            .to_string()
    );
    assert_eq!(config["data"]["unreadable"], unreadable(["ring", "spot"]));
    let prep = exported_preprocessing(&out);
    assert_eq!(prep.input_shape, "[N, 1, 10, 10]");
    assert_eq!(
        prep.pixels,
        Some(PixelScaling {
            channels: 1,
            height: 10,
            width: 10,
            divisor: 255.0
        })
    );
    assert_eq!(
        prep.class_names.as_deref(),
        Some(&["ring".to_string(), "spot".to_string()][..])
    );
    assert!(prep.feature_names.is_empty());
    // 24 readable images; 80 % of each class (10 of 12) train.
    assert_eq!(prep.split.counts(), (20, 4));
    let status = Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(out.join("train.py"))
        .status();
    if let Ok(status) = status {
        assert!(status.success(), "train.py does not compile");
    }
}

/// The pixel bytes and classes `train.py`'s loader gives for the exported data, per split:
/// `{"train": [bytes…], "train_labels": [...], "test": …, "test_labels": …}`.
fn script_pixels(python: &Path, out: &Path) -> serde_json::Value {
    let code = "import importlib.util, json, sys\n\
        spec = importlib.util.spec_from_file_location('exported', sys.argv[1])\n\
        m = importlib.util.module_from_spec(spec)\n\
        spec.loader.exec_module(m)\n\
        split = json.load(open(sys.argv[2]))\n\
        xs = m.load_splits(m.CONFIG['data']['path'], split)\n\
        out = {}\n\
        for name, x, y in (('train', xs[0], xs[1]), ('test', xs[2], xs[3])):\n\
        \x20   out[name] = [int(v) for v in (x * 255).round().astype('int64').ravel()]\n\
        \x20   out[name + '_labels'] = [int(v) for v in y]\n\
        print(json.dumps(out))\n";
    let output = Command::new(python)
        .args(["-c", code])
        .arg(out.join("train.py"))
        .arg(out.join("split.json"))
        .output()
        .expect("python");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// gradscope's bytes and classes of a split, as the script prints them.
fn ours(data: &Dataset, test: bool) -> (Vec<u64>, Vec<u64>) {
    let split = if test { &data.test } else { &data.train };
    let bytes = split.features.as_u8().expect("bytes");
    let labels = match &split.labels {
        gradscope::data::Labels::Classes(c) => c.iter().map(|&c| c as u64).collect(),
        gradscope::data::Labels::Values(_) => Vec::new(),
    };
    (bytes.iter().map(|&b| u64::from(b)).collect(), labels)
}

/// Exports `experiment` after `steps` steps and checks, with torch, that the script reads
/// gradscope's exact bytes and evaluates the weights as gradscope does.
fn check_with_torch(python: &Path, experiment: Experiment, out: &Path, steps: usize) {
    let data = experiment.load_dataset().expect("data");
    let experiment = trained(experiment, steps);
    let summary = export_pytorch(&experiment, out, ExistingFiles::Refuse).expect("export");
    let pixels = script_pixels(python, out);
    for (name, test) in [("train", false), ("test", true)] {
        let (bytes, labels) = ours(&data, test);
        let theirs: Vec<u64> = serde_json::from_value(pixels[name].clone()).expect("bytes");
        assert_eq!(theirs.len(), bytes.len(), "{name}: number of bytes");
        let differ = bytes.iter().zip(&theirs).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{name}: {differ} bytes differ");
        let their_labels: Vec<u64> =
            serde_json::from_value(pixels[format!("{name}_labels")].clone()).expect("labels");
        assert_eq!(their_labels, labels, "{name}: classes");
    }
    assert!(summary.test_accuracy.is_some(), "{summary:?}");
    assert_same_evaluation(python, &summary);
}

#[test]
fn torch_reads_grey_images_byte_for_byte_and_evaluates_as_gradscope_does() {
    let test = "torch_reads_grey_images_byte_for_byte_and_evaluates_as_gradscope_does";
    let Some(python) = torch_pillow_python(test) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("shapes");
    grey_folder(&root);
    let experiment = Experiment::new(
        DatasetRef::File {
            path: root,
            import: FileImport::default(),
        },
        TrainConfig::for_shape(Some([1, 10, 10])),
    );
    check_with_torch(&python, experiment, &dir.path().join("torch"), 30);
}

#[test]
fn torch_reads_colour_images_resized_byte_for_byte_and_evaluates_as_gradscope_does() {
    let test = "torch_reads_colour_images_resized_byte_for_byte_and_evaluates_as_gradscope_does";
    let Some(python) = torch_pillow_python(test) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("colours");
    colour_folder(&root);
    let import = FileImport::ImageFolder {
        width: 8,
        height: 8,
        train_ratio: 0.6,
        seed: 5,
    };
    let experiment = Experiment::new(
        DatasetRef::File { path: root, import },
        TrainConfig::for_shape(Some([3, 8, 8])),
    );
    let data = experiment.load_dataset().expect("data");
    assert_eq!(data.image_shape, Some([3, 8, 8]));
    assert_eq!((data.train.len(), data.test.len()), (12, 8));
    check_with_torch(&python, experiment, &dir.path().join("torch"), 30);
    let config = script_config(&dir.path().join("torch"));
    assert_eq!(config["data"]["unreadable"], unreadable(["blue", "red"]));
}
