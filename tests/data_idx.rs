//! The IDX (MNIST) loader on small crafted files, the bundled digits and, when present, the
//! full MNIST folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use gradscope::data::{
    DataError, Features, IdxImages, IdxPair, Labels, Task, idx_dataset, idx_partner,
    load_mnist_dir, mnist_bundled, parse_idx_images, parse_idx_labels, read_idx_images,
    read_idx_labels,
};

mod datasets;

/// An IDX image file: magic 2051, header numbers as given, then `pixels`.
fn images_file(count: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for v in [0x0803, count, rows, cols] {
        bytes.extend_from_slice(&v.to_be_bytes());
    }
    bytes.extend_from_slice(pixels);
    bytes
}

/// An IDX label file: magic 2049, `count`, then `labels`.
fn labels_file(count: u32, labels: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for v in [0x0801, count] {
        bytes.extend_from_slice(&v.to_be_bytes());
    }
    bytes.extend_from_slice(labels);
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Three 2×3 images with pixel values 10·i + j, labels 7, 0, 9.
fn good_pair() -> (Vec<u8>, Vec<u8>) {
    let pixels: Vec<u8> = (0..3u8)
        .flat_map(|i| (0..6u8).map(move |j| 10 * i + j))
        .collect();
    (images_file(3, 2, 3, &pixels), labels_file(3, &[7, 0, 9]))
}

fn message(result: Result<impl std::fmt::Debug, DataError>) -> String {
    result.expect_err("an error was expected").to_string()
}

/// A fresh empty folder under the target directory for files written by a test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check_good(images: IdxImages, labels: Vec<u8>) {
    assert_eq!((images.count, images.rows, images.cols), (3, 2, 3));
    assert_eq!(images.pixels.len(), 18);
    assert_eq!(&images.pixels[6..12], &[10, 11, 12, 13, 14, 15]);
    assert_eq!(labels, [7, 0, 9]);
}

#[test]
fn good_raw_pair_loads() {
    let (images, labels) = good_pair();
    check_good(
        parse_idx_images("x-images", &images).unwrap(),
        parse_idx_labels("x-labels", &labels).unwrap(),
    );
}

#[test]
fn good_gzipped_pair_loads() {
    let (images, labels) = good_pair();
    let (images, labels) = (gzip(&images), gzip(&labels));
    assert_eq!(&images[..2], &[0x1F, 0x8B]);
    check_good(
        parse_idx_images("x-images.gz", &images).unwrap(),
        parse_idx_labels("x-labels.gz", &labels).unwrap(),
    );
}

#[test]
fn files_on_disk_load_raw_and_gzipped_and_find_their_partner() {
    let dir = temp_dir("idx_files");
    let (images, labels) = good_pair();
    let raw_images = dir.join("t10k-images-idx3-ubyte");
    let raw_labels = dir.join("t10k-labels-idx1-ubyte");
    let gz_images = dir.join("train-images-idx3-ubyte.gz");
    let gz_labels = dir.join("train-labels-idx1-ubyte.gz");
    std::fs::write(&raw_images, &images).unwrap();
    std::fs::write(&raw_labels, &labels).unwrap();
    std::fs::write(&gz_images, gzip(&images)).unwrap();
    std::fs::write(&gz_labels, gzip(&labels)).unwrap();
    check_good(
        read_idx_images(&raw_images).unwrap(),
        read_idx_labels(&raw_labels).unwrap(),
    );
    check_good(
        read_idx_images(&gz_images).unwrap(),
        read_idx_labels(&gz_labels).unwrap(),
    );

    assert_eq!(idx_partner(&raw_images), Some(raw_labels.clone()));
    assert_eq!(idx_partner(&raw_labels), Some(raw_images.clone()));
    assert_eq!(idx_partner(&gz_images), Some(gz_labels.clone()));
    assert_eq!(idx_partner(&gz_labels), Some(gz_images.clone()));
    // a raw file whose partner exists only gzipped
    let lone = dir.join("train-images-idx3-ubyte");
    std::fs::write(&lone, &images).unwrap();
    assert_eq!(idx_partner(&lone), Some(gz_labels.clone()));
    assert_eq!(idx_partner(&dir.join("other-idx3-ubyte")), None);
    assert_eq!(idx_partner(&dir.join("x-images-idx3-ubyte")), None);

    // a folder with the four standard names (mixed raw and gzipped)
    let ds = load_mnist_dir(&dir).unwrap();
    assert_eq!((ds.train.len(), ds.test.len()), (3, 3));
    assert_eq!(ds.image_shape, Some([1, 2, 3]));

    let missing = dir.join("nothing-here");
    assert_eq!(
        message(read_idx_images(&missing)),
        format!("{}: the file does not exist", missing.display())
    );
    std::fs::remove_file(&raw_labels).unwrap();
    assert_eq!(
        message(load_mnist_dir(&dir)),
        format!(
            "{}: neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz is in this folder",
            dir.display()
        )
    );
}

#[test]
fn bad_magic_is_refused_with_the_magic_in_hex() {
    let mut bytes = images_file(1, 1, 1, &[0]);
    bytes[..4].copy_from_slice(&0x1234_5678u32.to_be_bytes());
    let expected = "x.idx: not an IDX file: magic 0x12345678 (expected 0x00000801 or 0x00000803)";
    assert_eq!(message(parse_idx_images("x.idx", &bytes)), expected);
    assert_eq!(message(parse_idx_labels("x.idx", &bytes)), expected);
    assert_eq!(message(parse_idx_images("x.idx", &gzip(&bytes))), expected);
}

#[test]
fn truncated_body_is_refused() {
    let bytes = images_file(10, 28, 28, &[0; 7000]);
    assert_eq!(
        message(parse_idx_images("x.idx", &bytes)),
        "x.idx: the header says 10 images of 28×28 (7840 bytes) but the file holds 7000 after \
         the 16-byte header"
    );
    assert_eq!(
        message(parse_idx_images("x.idx.gz", &gzip(&bytes))),
        "x.idx.gz: the header says 10 images of 28×28 (7840 bytes) but the decompressed file \
         holds 7000 after the 16-byte header"
    );
    let bytes = labels_file(10, &[1; 7]);
    assert_eq!(
        message(parse_idx_labels("y.idx", &bytes)),
        "y.idx: the header says 10 labels (10 bytes) but the file holds 7 after the 8-byte header"
    );
}

#[test]
fn trailing_bytes_are_refused() {
    let bytes = images_file(1, 2, 2, &[0; 5]);
    assert_eq!(
        message(parse_idx_images("x.idx", &bytes)),
        "x.idx: the header says 1 images of 2×2 (4 bytes) but the file holds 5 after the 16-byte \
         header"
    );
    assert_eq!(
        message(parse_idx_images("x.gz", &gzip(&bytes))),
        "x.gz: the header says 1 images of 2×2 (4 bytes) but the decompressed file holds more \
         than 4 after the 16-byte header"
    );
}

#[test]
fn absurd_header_is_refused_before_allocating() {
    // Allocating what these headers claim (3 TB, or more than 2^64 bytes) would abort the test
    // process, so getting the messages back shows the size was checked first.
    let bytes = images_file(4_000_000_000, 28, 28, &[1, 2, 3, 4]);
    assert_eq!(bytes.len(), 20);
    assert_eq!(
        message(parse_idx_images("huge.idx", &bytes)),
        "huge.idx: the header says 4000000000 images of 28×28 (3136000000000 bytes) but the file \
         holds 4 after the 16-byte header"
    );
    assert_eq!(
        message(parse_idx_images("huge.idx.gz", &gzip(&bytes))),
        "huge.idx.gz: the header says 4000000000 images of 28×28 (3136000000000 bytes) but the \
         decompressed file holds 4 after the 16-byte header"
    );
    // rows·cols·count beyond 64 bits
    let bytes = images_file(u32::MAX, u32::MAX, u32::MAX, &[0; 4]);
    assert_eq!(
        message(parse_idx_images("huge.idx", &bytes)),
        "huge.idx: the header says 4294967295 images of 4294967295×4294967295, more than 2^64 \
         bytes"
    );
    let bytes = labels_file(u32::MAX, &[0; 4]);
    assert_eq!(
        message(parse_idx_labels("huge.idx", &gzip(&bytes))),
        "huge.idx: the header says 4294967295 labels (4294967295 bytes) but the decompressed \
         file holds 4 after the 8-byte header"
    );
}

#[test]
fn count_mismatch_between_images_and_labels() {
    let (images, _) = good_pair();
    let labels = labels_file(2, &[1, 2]);
    assert_eq!(
        message(IdxPair::parse("a-images", &images, "a-labels", &labels)),
        "a-labels: 2 labels but a-images holds 3 images"
    );
}

#[test]
fn label_outside_0_to_9_is_refused() {
    let bytes = labels_file(5, &[0, 1, 2, 11, 4]);
    assert_eq!(
        message(parse_idx_labels("y.idx", &bytes)),
        "y.idx: label 11 at index 3 is not a digit 0–9"
    );
}

#[test]
fn empty_and_short_files() {
    assert_eq!(message(parse_idx_images("x", &[])), "x: the file is empty");
    assert_eq!(message(parse_idx_labels("x", &[])), "x: the file is empty");
    assert_eq!(
        message(parse_idx_images("x", &gzip(&[]))),
        "x: the decompressed file is empty"
    );
    let ten = &images_file(1, 1, 1, &[0])[..10];
    assert_eq!(
        message(parse_idx_images("ten.idx", ten)),
        "ten.idx: the file is 10 bytes, shorter than the 16-byte header of an IDX image file"
    );
    assert_eq!(
        message(parse_idx_labels("two.idx", &[0, 0])),
        "two.idx: the file is 2 bytes, shorter than the 8-byte header of an IDX label file"
    );
    assert_eq!(
        message(parse_idx_labels("six.idx", &labels_file(1, &[])[..6])),
        "six.idx: the file is 6 bytes, shorter than the 8-byte header of an IDX label file"
    );
}

#[test]
fn wrong_kind_of_file_is_named() {
    let (images, labels) = good_pair();
    assert_eq!(
        message(parse_idx_labels("a-images", &images)),
        "a-images: this is an IDX image file (magic 0x00000803), expected an IDX label file \
         (magic 0x00000801)"
    );
    assert_eq!(
        message(parse_idx_images("a-labels", &labels)),
        "a-labels: this is an IDX label file (magic 0x00000801), expected an IDX image file \
         (magic 0x00000803)"
    );
}

#[test]
fn corrupt_gzip_is_refused() {
    let (images, _) = good_pair();
    let mut gz = gzip(&images);
    let n = gz.len();
    gz.truncate(n - 10);
    let err = message(parse_idx_images("x.gz", &gz));
    assert!(
        err.starts_with("x.gz: cannot decompress the gzip data: "),
        "{err}"
    );
}

#[test]
fn idx_dataset_keeps_bytes_and_file_order() {
    let (images, labels) = good_pair();
    let train = IdxPair::parse("i", &images, "l", &labels).unwrap();
    let test = train.clone();
    let ds = idx_dataset("tiny", train, test).unwrap();
    assert_eq!(ds.name, "tiny");
    assert_eq!(ds.n_features(), 6);
    assert_eq!(ds.feature_names[4], "pixel 1,1");
    assert!(ds.standardizer.is_none());
    assert!(matches!(ds.train.features, Features::U8(_)));
    assert_eq!(ds.train.labels, Labels::Classes(vec![7, 0, 9]));
    assert_eq!(
        *ds.train.row(1),
        [
            10.0 / 255.0,
            11.0 / 255.0,
            12.0 / 255.0,
            13.0 / 255.0,
            14.0 / 255.0,
            15.0 / 255.0
        ]
    );

    let (small, small_labels) = (images_file(1, 1, 1, &[0]), labels_file(1, &[3]));
    let small = IdxPair::parse("s-images", &small, "s-labels", &small_labels).unwrap();
    let train = IdxPair::parse("i", &images, "l", &labels).unwrap();
    assert_eq!(
        message(idx_dataset("tiny", train, small)),
        "s-images: images of 1×1, but the training images (i) are 2×3"
    );
}

#[test]
fn bundled_mnist() {
    let ds = mnist_bundled().unwrap();
    assert_eq!((ds.train.len(), ds.test.len()), (8_000, 2_000));
    assert_eq!(ds.n_classes(), Some(10));
    assert_eq!(
        ds.task,
        Task::Classification {
            class_names: (0..10).map(|d| d.to_string()).collect()
        }
    );
    assert_eq!(ds.image_shape, Some([1, 28, 28]));
    assert_eq!(ds.n_features(), 784);
    // the first digit of the MNIST test file is a 7
    assert_eq!(ds.train.classes(&[0]), [7]);
    let Features::U8(bytes) = &ds.train.features else {
        panic!("pixels must stay bytes")
    };
    assert_eq!(bytes.len(), 8_000 * 784);
    let batch = ds.train.gather::<f32>(&[0, 1, 7_999]);
    assert_eq!(batch.shape(), (3, 784));
    assert!(batch.iter().all(|&x| (0.0..=1.0).contains(&x)));
    assert!(batch.iter().any(|&x| x == 1.0) && batch.iter().any(|&x| x == 0.0));
    let test = ds.test.gather::<f64>(&[1_999]);
    assert!(test.iter().all(|&x| (0.0..=1.0).contains(&x)));
    // every class is present in both splits
    for split in [&ds.train, &ds.test] {
        let Labels::Classes(c) = &split.labels else {
            panic!()
        };
        for d in 0..10 {
            assert!(c.contains(&d), "digit {d} missing");
        }
    }
}

#[test]
fn full_mnist_folder() {
    let Some(dir) = datasets::full_mnist("full_mnist_folder") else {
        return;
    };
    let ds = load_mnist_dir(&dir).unwrap();
    assert_eq!((ds.train.len(), ds.test.len()), (60_000, 10_000));
    assert_eq!(ds.image_shape, Some([1, 28, 28]));
    assert_eq!(ds.n_classes(), Some(10));
    assert_eq!(ds.train.features.len(), 60_000 * 784);
    assert_eq!(ds.test.classes(&[0]), [7]);
    let batch = ds.train.gather::<f32>(&[0, 59_999]);
    assert!(batch.iter().all(|&x| (0.0..=1.0).contains(&x)));
}

#[test]
fn inconsistent_pair_fields_are_refused() {
    let images = IdxImages {
        count: 10,
        rows: 28,
        cols: 28,
        pixels: vec![0; 7000],
    };
    assert_eq!(
        message(IdxPair::new("i", images, "l", vec![0; 10])),
        "i: 7000 pixel bytes for 10 images of 28×28 (7840 bytes)"
    );
    let images = IdxImages {
        count: usize::MAX,
        rows: usize::MAX,
        cols: usize::MAX,
        pixels: Vec::new(),
    };
    assert_eq!(
        message(IdxPair::new("i", images, "l", Vec::new())),
        format!("i: images of {m}×{m} are too large", m = usize::MAX)
    );
    let images = IdxImages {
        count: 1,
        rows: 1,
        cols: 1,
        pixels: vec![0],
    };
    assert_eq!(
        message(IdxPair::new("i", images, "l", vec![10])),
        "l: label 10 at index 0 is not a digit 0–9"
    );
}
