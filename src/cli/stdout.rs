//! Writing results to standard output, for a reader that may stop reading early
//! (`gradscope inspect big.csv | head -c 100`).
//!
//! `println!` panics when the reader has closed the pipe ("failed printing to stdout:
//! Broken pipe"). Here a closed pipe ends the process quietly with status 0, as `cat` or
//! `grep` do when their reader goes away; any other write error is named on stderr and
//! ends the process with status 1.

use std::io::Write;

/// Writes `text` and a line end to standard output and flushes it; a closed pipe or another
/// write error ends the process (see the module docs).
pub fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        print_err(&format!("cannot write to standard output: {error}"));
        std::process::exit(1);
    }
}

/// Writes `text` and a line end to standard error. A write error is ignored: a closed stderr
/// (`gradscope train … 2>&1 | true`) made `eprintln!` panic with status 101, before `train`
/// had written its `--save` file. The work goes on; only the message is lost, as it would be
/// to a reader that is gone.
pub fn print_err(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
