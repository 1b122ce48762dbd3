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
        eprintln!("cannot write to standard output: {error}");
        std::process::exit(1);
    }
}
