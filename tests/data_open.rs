//! Opening a path as the wizard and `train --data` do: what it holds is judged by content.

use std::path::PathBuf;

use gradscope::data::{SourceKind, detect, open_path};

mod datasets;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradscope-open-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_gzipped_labels_file_picked_directly_loads_with_its_partner() {
    let Some(dir) =
        datasets::full_mnist("a_gzipped_labels_file_picked_directly_loads_with_its_partner")
    else {
        return;
    };
    let labels = dir.join("t10k-labels-idx1-ubyte.gz");
    assert_eq!(detect(&labels), Ok(SourceKind::Idx));
    let data = open_path(&labels, None, 0.8, 1).expect("loads");
    assert_eq!(data.image_shape, Some([1, 28, 28]));
    assert_eq!(data.n_classes(), Some(10));
    assert_eq!(
        data.train.len() + data.test.len(),
        70_000,
        "the whole folder is found"
    );
}

#[test]
fn a_single_idx_pair_is_split_by_the_ratio() {
    let Some(shared) = datasets::full_mnist("a_single_idx_pair_is_split_by_the_ratio") else {
        return;
    };
    let dir = temp_dir("pair");
    for name in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
        std::fs::copy(shared.join(name), dir.join(name)).expect("copy");
    }
    let data = open_path(&dir.join("t10k-images-idx3-ubyte.gz"), None, 0.8, 1).expect("loads");
    assert_eq!((data.train.len(), data.test.len()), (8000, 2000));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_idx_named_file_with_another_magic_says_so() {
    let dir = temp_dir("magic");
    let path = dir.join("train-labels-idx1-ubyte");
    std::fs::write(&path, [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 5]).expect("write");
    let err = open_path(&path, None, 0.8, 1).expect_err("bad magic");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not an IDX file: magic 0x12345678 (expected 0x00000801 or 0x00000803)",
            path.display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_is_read_as_a_table_with_the_last_column_as_label() {
    let dir = temp_dir("table");
    let path = dir.join("t.tsv");
    std::fs::write(&path, "a\tb\tkind\n1\t2\tx\n3\t4\ty\n5\t6\tx\n7\t8\ty\n").expect("write");
    assert_eq!(detect(&path), Ok(SourceKind::Table));
    let data = open_path(&path, None, 0.5, 3).expect("loads");
    assert_eq!(data.feature_names, ["a", "b"]);
    assert_eq!(data.n_classes(), Some(2));
    assert_eq!((data.train.len(), data.test.len()), (2, 2));
    assert_eq!(data.name, "t.tsv");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn devices_and_missing_paths_are_refused() {
    let err = open_path(std::path::Path::new("/dev/zero"), None, 0.8, 1).expect_err("device");
    assert_eq!(err.to_string(), "/dev/zero: not a regular file");
    let err =
        open_path(std::path::Path::new("/no/such/file.csv"), None, 0.8, 1).expect_err("missing");
    assert_eq!(
        err.to_string(),
        "/no/such/file.csv: the file does not exist"
    );
}
