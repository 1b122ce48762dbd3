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
                gradscope::ui::startenv::restart_with_settings();
            }
            gradscope::cli::run(command)
        }
        Ok(gradscope::cli::Cli { window, .. }) => {
            // The window's software renderer: its heap and its threads (see ui::startenv).
            gradscope::ui::startenv::restart_with_settings();
            gradscope::ui::launch::run_window(window)
        }
        Err(code) => code,
    }
}
