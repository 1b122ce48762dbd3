//! Atomic writes (`experiment::atomic`): a failed write keeps the old file and leaves no
//! temporary file behind.

use gradscope::experiment::write_atomically;

mod experiment_common;

use experiment_common::{name, temp_dir};

#[test]
fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file() {
    let dir = temp_dir();
    let path = dir.path().join("exp.json");
    std::fs::write(&path, "the good old content").expect("write");
    let result = write_atomically(&path, |w| {
        w.write_all(b"half of the new")?;
        Err(std::io::Error::other("disk full"))
    });
    let error = result.expect_err("fails").to_string();
    assert_eq!(error, format!("{}: cannot save: disk full", name(&path)));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "the good old content"
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert_eq!(entries.len(), 1);

    write_atomically(&path, |w| w.write_all(b"new")).expect("write");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);

    let error = write_atomically(&dir.path().join("no/such/folder/x.json"), |w| {
        w.write_all(b"x")
    })
    .expect_err("no folder")
    .to_string();
    assert!(
        error.contains("no/such/folder/x.json: cannot save: "),
        "{error}"
    );
}
