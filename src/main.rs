//! gradscope's entry point: parse the command line, then run a subcommand or open the window.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gradscope::ui::bench::mark_launch();
    match gradscope::cli::parse() {
        Ok(gradscope::cli::Cli {
            command: Some(command),
            ..
        }) => {
            if matches!(command, gradscope::cli::CliCommand::BenchUi(_)) {
                gradscope::ui::heap::keep_freed_heap();
            }
            gradscope::cli::run(command)
        }
        Ok(gradscope::cli::Cli { window, .. }) => {
            // The window's renderer frees and takes memory every frame (see ui::heap).
            gradscope::ui::heap::keep_freed_heap();
            gradscope::ui::launch::run_window(window)
        }
        Err(code) => code,
    }
}
