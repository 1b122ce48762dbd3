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

/// A symbolic link is written through: the file it points to gets the new content (in its
/// own folder, atomically) and the link stays a link.
#[cfg(unix)]
#[test]
fn a_link_is_written_through_and_stays_a_link() {
    let dir = temp_dir();
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    let real = dir.path().join("real").join("m.csv");
    std::fs::write(&real, "old").expect("write");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    write_atomically(&link, |w| w.write_all(b"new")).expect("write");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).expect("read"), "new");
    // No temporary file left in either folder.
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2);
    assert_eq!(
        std::fs::read_dir(dir.path().join("real"))
            .expect("list")
            .count(),
        1
    );
}

/// A named pipe (like `/dev/stdout` in a pipeline) is written into, not replaced by a file.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_written_into_not_replaced() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = temp_dir();
    let pipe = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(pipe)
                .expect("open")
                .read_to_string(&mut text)
                .expect("read");
            text
        })
    };
    write_atomically(&pipe, |w| w.write_all(b"step,loss\n1,0.5\n")).expect("write");
    // Checked before joining: a pipe replaced by a file would leave the reader waiting.
    assert!(
        std::fs::symlink_metadata(&pipe)
            .expect("pipe")
            .file_type()
            .is_fifo()
    );
    assert_eq!(reader.join().expect("reader"), "step,loss\n1,0.5\n");
}
