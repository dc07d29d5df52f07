//! The `switchyard` binary: parse the command line and hand over.

use clap::Parser;

// Rendering pages allocates many small strings; glibc's allocator spent about a quarter
// of the CPU on them under load (perf), and fragmented the heap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if let Err(message) = server::telemetry::init() {
        eprintln!("error: {message}");
        return std::process::ExitCode::FAILURE;
    }
    let cli = server::cli::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
