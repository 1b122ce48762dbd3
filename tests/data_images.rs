//! The image-folder loader on small images written by each test into its own temporary folder.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use gradscope::data::{
    DataError, Dataset, Features, FolderSummary, Labels, Task, Unreadable, load_image_folder,
    load_image_folder_with_report, scan_image_folder,
};
use image::{GrayAlphaImage, GrayImage, ImageBuffer, Luma, LumaA, Rgb, RgbImage, Rgba, RgbaImage};

/// A fresh folder under the system temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "gradscope-images-{}-{}-{test}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// `root/relative`, with its parent folders created.
    fn file(&self, relative: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        path
    }

    fn dir(&self, relative: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(&path).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn grey(w: u32, h: u32, v: u8) -> GrayImage {
    GrayImage::from_pixel(w, h, Luma([v]))
}

fn always(_: usize, _: usize) -> bool {
    true
}

/// Loads with everything in the training split.
fn load_all(root: &Path) -> Dataset {
    load_image_folder(root, None, 1.0, 7, &always).unwrap()
}

fn bytes(features: &Features) -> &[u8] {
    features.as_u8().expect("image features are bytes")
}

/// The only sample of a data set loaded from a folder holding one image.
fn single(root: &Path) -> (Option<[usize; 3]>, Vec<u8>) {
    let data = load_all(root);
    assert_eq!(data.train.len(), 1);
    assert!(data.test.is_empty());
    assert_eq!(data.standardizer, None);
    (data.image_shape, bytes(&data.train.features).to_vec())
}

fn message<T: std::fmt::Debug>(result: Result<T, DataError>) -> String {
    result.expect_err("an error was expected").to_string()
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn hidden_entries_and_non_images_are_skipped() {
    let tmp = TempDir::new("hidden");
    let root = tmp.dir("digits");
    grey(2, 2, 10).save(tmp.file("digits/0/a.png")).unwrap();
    grey(2, 2, 20).save(tmp.file("digits/1/b.png")).unwrap();
    grey(2, 2, 30).save(tmp.file("digits/1/C.PNG")).unwrap();
    std::fs::write(tmp.file("digits/.DS_Store"), b"\0\0\0\x01Bud1").unwrap();
    grey(2, 2, 99)
        .save(tmp.file("digits/.ipynb_checkpoints/x.png"))
        .unwrap();
    std::fs::write(tmp.file("digits/0/notes.txt"), b"hello").unwrap();
    std::fs::write(tmp.file("digits/0/.hidden.png"), b"not read").unwrap();
    grey(2, 2, 40).save(tmp.file("digits/root.png")).unwrap();
    tmp.dir("digits/1/nested");

    let summary = scan_image_folder(&root).unwrap();
    assert_eq!(
        summary,
        FolderSummary {
            root: shown(&root),
            classes: vec!["0".into(), "1".into()],
            counts: vec![1, 2],
            sizes: vec![((2, 2), 3)],
            skipped: vec![
                ".DS_Store".into(),
                ".ipynb_checkpoints".into(),
                "0/.hidden.png".into(),
                "0/notes.txt".into(),
                "1/nested".into(),
                "root.png".into(),
            ],
            unreadable: Vec::new(),
        }
    );

    let data = load_all(&root);
    assert_eq!(data.name, "digits");
    assert_eq!(
        data.task,
        Task::Classification {
            class_names: vec!["0".into(), "1".into()]
        }
    );
    assert_eq!(data.image_shape, Some([1, 2, 2]));
    assert_eq!(data.n_features(), 4);
    assert_eq!(
        data.feature_names,
        ["pixel 0,0", "pixel 0,1", "pixel 1,0", "pixel 1,1"]
    );
    assert_eq!(data.train.len(), 3);
    // Each sample's pixel value tells its file: 10 → class 0, 20 and 30 → class 1.
    let Labels::Classes(labels) = &data.train.labels else {
        panic!("classification labels expected");
    };
    let mut samples: Vec<(u8, usize)> = (0..3)
        .map(|i| (bytes(&data.train.features)[i * 4], labels[i]))
        .collect();
    samples.sort();
    assert_eq!(samples, [(10, 0), (20, 1), (30, 1)]);
}

#[test]
fn grey_images_load_with_one_channel() {
    let tmp = TempDir::new("grey");
    let white = tmp.dir("white");
    grey(3, 2, 255).save(tmp.file("white/c/w.png")).unwrap();
    assert_eq!(single(&white), (Some([1, 2, 3]), vec![255; 6]));

    // Row-major within the channel: index y·W + x.
    let ramp = tmp.dir("ramp");
    GrayImage::from_fn(3, 2, |x, y| Luma([(10 * y + x) as u8]))
        .save(tmp.file("ramp/c/r.png"))
        .unwrap();
    assert_eq!(single(&ramp), (Some([1, 2, 3]), vec![0, 1, 2, 10, 11, 12]));

    // Grey + alpha: alpha is dropped.
    let alpha = tmp.dir("alpha");
    GrayAlphaImage::from_pixel(2, 1, LumaA([100, 7]))
        .save(tmp.file("alpha/c/a.png"))
        .unwrap();
    assert_eq!(single(&alpha), (Some([1, 1, 2]), vec![100, 100]));

    // 16-bit grey is scaled to 8 bits: 65535 → 255, 32896 (= 128·257) → 128, 0 → 0.
    let deep = tmp.dir("deep");
    let mut img: ImageBuffer<Luma<u16>, Vec<u16>> = ImageBuffer::new(3, 1);
    for (x, v) in [65535u16, 32896, 0].into_iter().enumerate() {
        img.put_pixel(x as u32, 0, Luma([v]));
    }
    img.save(tmp.file("deep/c/d.png")).unwrap();
    assert_eq!(single(&deep), (Some([1, 1, 3]), vec![255, 128, 0]));

    // 16-bit grey + alpha.
    let deep_alpha = tmp.dir("deep_alpha");
    ImageBuffer::<LumaA<u16>, Vec<u16>>::from_pixel(1, 1, LumaA([65535, 0]))
        .save(tmp.file("deep_alpha/c/d.png"))
        .unwrap();
    assert_eq!(single(&deep_alpha), (Some([1, 1, 1]), vec![255]));

    // Grey JPEG (lossy, but a flat image comes back within a step or two).
    let jpeg = tmp.dir("jpeg");
    grey(8, 8, 128).save(tmp.file("jpeg/c/g.jpg")).unwrap();
    let (shape, pixels) = single(&jpeg);
    assert_eq!(shape, Some([1, 8, 8]));
    assert!(pixels.iter().all(|&p| p.abs_diff(128) <= 2), "{pixels:?}");
}

#[test]
fn colour_images_load_with_three_channels_channel_major() {
    let tmp = TempDir::new("colour");
    // RGB: pixel (0,0) red, pixel (1,0) = (10, 20, 30) → planes R, G, B.
    let rgb = tmp.dir("rgb");
    let mut img = RgbImage::new(2, 1);
    img.put_pixel(0, 0, Rgb([255, 0, 0]));
    img.put_pixel(1, 0, Rgb([10, 20, 30]));
    img.save(tmp.file("rgb/c/x.png")).unwrap();
    let data = load_all(&rgb);
    assert_eq!(data.image_shape, Some([3, 1, 2]));
    assert_eq!(bytes(&data.train.features), [255, 10, 0, 20, 0, 30]);
    assert_eq!(
        data.feature_names,
        [
            "red 0,0",
            "red 0,1",
            "green 0,0",
            "green 0,1",
            "blue 0,0",
            "blue 0,1"
        ]
    );

    // RGBA: alpha dropped, colour kept as stored (not blended).
    let rgba = tmp.dir("rgba");
    RgbaImage::from_pixel(1, 2, Rgba([1, 2, 3, 4]))
        .save(tmp.file("rgba/c/x.png"))
        .unwrap();
    assert_eq!(single(&rgba), (Some([3, 2, 1]), vec![1, 1, 2, 2, 3, 3]));

    // BMP and GIF.
    let bmp = tmp.dir("bmp");
    RgbImage::from_pixel(2, 2, Rgb([0, 255, 0]))
        .save(tmp.file("bmp/c/x.bmp"))
        .unwrap();
    let green = [vec![0; 4], vec![255; 4], vec![0; 4]].concat();
    assert_eq!(single(&bmp), (Some([3, 2, 2]), green));
    let gif = tmp.dir("gif");
    RgbaImage::from_pixel(2, 2, Rgba([0, 0, 255, 255]))
        .save(tmp.file("gif/c/x.gif"))
        .unwrap();
    let blue = [vec![0; 4], vec![0; 4], vec![255; 4]].concat();
    assert_eq!(single(&gif), (Some([3, 2, 2]), blue));

    // Colour JPEG, lossy: a flat colour comes back within a few steps.
    let jpeg = tmp.dir("jpeg");
    RgbImage::from_pixel(8, 8, Rgb([200, 100, 50]))
        .save(tmp.file("jpeg/c/x.JPEG"))
        .unwrap();
    let (shape, pixels) = single(&jpeg);
    assert_eq!(shape, Some([3, 8, 8]));
    for (c, want) in [200u8, 100, 50].into_iter().enumerate() {
        let plane = &pixels[c * 64..(c + 1) * 64];
        assert!(plane.iter().all(|&p| p.abs_diff(want) <= 4), "{plane:?}");
    }

    // One colour image makes the whole set RGB: grey images repeat in all three channels.
    let mixed = tmp.dir("mixed");
    grey(1, 1, 77).save(tmp.file("mixed/a/g.png")).unwrap();
    RgbImage::from_pixel(1, 1, Rgb([5, 6, 7]))
        .save(tmp.file("mixed/b/c.png"))
        .unwrap();
    let data = load_all(&mixed);
    assert_eq!(data.image_shape, Some([3, 1, 1]));
    let mut samples: Vec<(usize, Vec<u8>)> = data
        .train
        .classes(&[0, 1])
        .into_iter()
        .zip(bytes(&data.train.features).chunks(3).map(<[u8]>::to_vec))
        .collect();
    samples.sort();
    assert_eq!(samples, [(0, vec![77, 77, 77]), (1, vec![5, 6, 7])]);
}

#[test]
fn mixed_sizes_are_resized() {
    let tmp = TempDir::new("sizes");
    let root = tmp.dir("set");
    grey(4, 2, 50).save(tmp.file("set/a/1.png")).unwrap();
    grey(4, 2, 60).save(tmp.file("set/a/2.png")).unwrap();
    grey(2, 2, 70).save(tmp.file("set/b/3.png")).unwrap();
    // A 2×1 ramp, black then white.
    GrayImage::from_fn(2, 1, |x, _| Luma([if x == 0 { 0 } else { 255 }]))
        .save(tmp.file("set/b/4.png"))
        .unwrap();

    let summary = scan_image_folder(&root).unwrap();
    assert_eq!(summary.counts, [2, 2]);
    assert_eq!(summary.sizes, [((4, 2), 2), ((2, 1), 1), ((2, 2), 1)]);

    // Default: the most common size, 4 wide and 2 high.
    let data = load_all(&root);
    assert_eq!(data.image_shape, Some([1, 2, 4]));
    assert_eq!(data.n_features(), 8);
    let mut rows: Vec<Vec<u8>> = bytes(&data.train.features)
        .chunks(8)
        .map(<[u8]>::to_vec)
        .collect();
    rows.sort();
    let ramp = rows.remove(0);
    assert_eq!(rows, [vec![50; 8], vec![60; 8], vec![70; 8]]);
    // The resized ramp rises from dark to light along each row.
    for row in ramp.chunks(4) {
        assert!(row.windows(2).all(|w| w[0] <= w[1]), "{ramp:?}");
        assert!(row[0] < 64 && row[3] > 191, "{ramp:?}");
    }

    // An explicit size (width 3, height 5).
    let data = load_image_folder(&root, Some((3, 5)), 1.0, 7, &always).unwrap();
    assert_eq!(data.image_shape, Some([1, 5, 3]));
    assert_eq!(data.n_features(), 15);
    assert_eq!(data.feature_names.len(), 15);
    assert_eq!(data.feature_names[14], "pixel 4,2");
    let mut rows: Vec<Vec<u8>> = bytes(&data.train.features)
        .chunks(15)
        .map(<[u8]>::to_vec)
        .collect();
    rows.sort();
    assert_eq!(&rows[1..], [vec![50; 15], vec![60; 15], vec![70; 15]]);
}

#[test]
fn size_ties_prefer_the_smaller_area() {
    let tmp = TempDir::new("ties");
    let root = tmp.dir("set");
    grey(4, 4, 1).save(tmp.file("set/a/big.png")).unwrap();
    grey(2, 3, 2).save(tmp.file("set/b/small.png")).unwrap();
    assert_eq!(
        scan_image_folder(&root).unwrap().sizes,
        [((2, 3), 1), ((4, 4), 1)]
    );
    assert_eq!(load_all(&root).image_shape, Some([1, 3, 2]));
}

#[test]
fn split_is_stratified_and_seeded() {
    let tmp = TempDir::new("split");
    let root = tmp.dir("set");
    for i in 0..4u8 {
        grey(1, 1, 10 + i)
            .save(tmp.file(&format!("set/low/{i}.png")))
            .unwrap();
        grey(1, 1, 200 + i)
            .save(tmp.file(&format!("set/high/{i}.png")))
            .unwrap();
    }
    let data = load_image_folder(&root, None, 0.5, 3, &always).unwrap();
    assert_eq!(data.n_classes(), Some(2));
    assert_eq!(
        data.task,
        Task::Classification {
            class_names: vec!["high".into(), "low".into()]
        }
    );
    let mut seen = Vec::new();
    for split in [&data.train, &data.test] {
        assert_eq!(split.len(), 4);
        let classes = split.classes(&[0, 1, 2, 3]);
        assert_eq!(classes.iter().filter(|&&c| c == 0).count(), 2);
        for (&pixel, class) in bytes(&split.features).iter().zip(classes) {
            // "high" (class 0) holds 200…203, "low" (class 1) 10…13.
            assert_eq!(class, usize::from(pixel < 100), "pixel {pixel}");
            seen.push(pixel);
        }
    }
    seen.sort();
    assert_eq!(seen, [10, 11, 12, 13, 200, 201, 202, 203]);
    assert_eq!(
        load_image_folder(&root, None, 0.5, 3, &always).unwrap(),
        data
    );
}

#[test]
fn progress_reports_each_image_and_can_cancel() {
    let tmp = TempDir::new("progress");
    let root = tmp.dir("set");
    for name in ["a/1.png", "a/2.png", "b/3.png"] {
        grey(1, 1, 0)
            .save(tmp.file(&format!("set/{name}")))
            .unwrap();
    }
    let calls = RefCell::new(Vec::new());
    let record = |done: usize, total: usize| {
        calls.borrow_mut().push((done, total));
        true
    };
    load_image_folder(&root, None, 0.8, 1, &record).unwrap();
    assert_eq!(calls.into_inner(), [(1, 3), (2, 3), (3, 3)]);

    let count = Cell::new(0);
    let cancel_after_two = |done: usize, _: usize| {
        count.set(count.get() + 1);
        done < 2
    };
    assert_eq!(
        message(load_image_folder(&root, None, 0.8, 1, &cancel_after_two)),
        format!("{}: cancelled", shown(&root))
    );
    assert_eq!(count.get(), 2);
}

#[test]
fn a_class_folder_without_images_is_an_error() {
    let tmp = TempDir::new("empty_class");
    let root = tmp.dir("digits");
    grey(1, 1, 0).save(tmp.file("digits/0/a.png")).unwrap();
    std::fs::write(tmp.file("digits/1/.DS_Store"), b"x").unwrap();
    std::fs::write(tmp.file("digits/1/readme.txt"), b"x").unwrap();
    let expected = format!(
        "{}: no images (png, jpg, jpeg, bmp, gif) in this class folder",
        shown(&root.join("1"))
    );
    assert_eq!(message(scan_image_folder(&root)), expected);
    assert_eq!(
        message(load_image_folder(&root, None, 0.8, 1, &always)),
        expected
    );
}

#[test]
fn a_corrupt_image_is_skipped_and_listed_with_its_reason() {
    // One policy everywhere (issue 12, item 7): an image that cannot be decoded is left out
    // and listed with its reason by the scan (header problems) and the load (all problems).
    let tmp = TempDir::new("corrupt");
    let root = tmp.dir("set");
    grey(1, 1, 0).save(tmp.file("set/a/good.png")).unwrap();
    grey(1, 1, 0).save(tmp.file("set/b/fine.png")).unwrap();
    let bad = tmp.file("set/b/bad.png");
    std::fs::write(&bad, b"this is not a png").unwrap();
    let reason = "cannot decode the image: Format error decoding Png: Invalid PNG signature.";
    let expected = vec![Unreadable {
        file: "b/bad.png".into(),
        reason: reason.into(),
    }];
    let summary = scan_image_folder(&root).unwrap();
    assert_eq!(summary.counts, [1, 1]);
    assert_eq!(summary.unreadable, expected);
    let (data, report) = load_image_folder_with_report(&root, None, 1.0, 1, &always).unwrap();
    assert_eq!(data.train.len() + data.test.len(), 2);
    assert_eq!(report.unreadable, expected);
    assert_eq!(report.counts, [1, 1]);

    // A valid header with the end of the pixel data cut off fails while decoding, not while
    // scanning (which reads headers only): the load skips and lists it.
    let mut png = Vec::new();
    grey(16, 16, 9)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(&bad, &png[..png.len() - 16]).unwrap();
    assert_eq!(scan_image_folder(&root).unwrap().counts, [1, 2]);
    let (data, report) = load_image_folder_with_report(&root, None, 1.0, 1, &always).unwrap();
    assert_eq!(data.train.len() + data.test.len(), 2);
    assert_eq!(
        report.unreadable,
        [Unreadable {
            file: "b/bad.png".into(),
            reason: "cannot decode the image: unexpected end of file".into(),
        }]
    );
    assert_eq!(report.counts, [1, 1]);

    // A class none of whose images decodes is an error naming the folder and the file.
    std::fs::remove_file(tmp.file("set/b/fine.png")).unwrap();
    std::fs::write(&bad, b"this is not a png").unwrap();
    let class = shown(&tmp.file("set/b"));
    assert_eq!(
        message(load_image_folder(&root, None, 0.8, 1, &always)),
        format!(
            "{class}: none of the images in this class folder can be decoded (b/bad.png: {reason})"
        )
    );
}

#[test]
fn folder_level_errors() {
    let tmp = TempDir::new("folders");
    let empty = tmp.dir("empty");
    assert_eq!(
        message(scan_image_folder(&empty)),
        format!("{}: the folder is empty", shown(&empty))
    );
    assert_eq!(
        message(load_image_folder(&empty, None, 0.8, 1, &always)),
        format!("{}: the folder is empty", shown(&empty))
    );

    let flat = tmp.dir("flat");
    grey(1, 1, 0).save(tmp.file("flat/a.png")).unwrap();
    tmp.dir("flat/.git");
    assert_eq!(
        message(scan_image_folder(&flat)),
        format!(
            "{}: no class folders: put the images of each class in a sub-folder named after the class",
            shown(&flat)
        )
    );

    let missing = tmp.0.join("missing");
    assert_eq!(
        message(scan_image_folder(&missing)),
        format!("{}: the folder does not exist", shown(&missing))
    );
    let file = tmp.file("flat/a.png");
    assert_eq!(
        message(scan_image_folder(&file)),
        format!("{}: not a folder", shown(&file))
    );

    let ok = tmp.dir("ok");
    grey(1, 1, 0).save(tmp.file("ok/a/x.png")).unwrap();
    assert_eq!(
        message(load_image_folder(&ok, None, 0.0, 1, &always)),
        format!("{}: train_ratio must be in (0, 1], got 0", shown(&ok))
    );
    assert_eq!(
        message(load_image_folder(&ok, Some((0, 28)), 0.8, 1, &always)),
        format!(
            "{}: the image size must be at least 1×1, got 0×28",
            shown(&ok)
        )
    );
}
