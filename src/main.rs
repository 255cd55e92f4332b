use clap::Parser;

fn main() {
    // Die quietly on a closed pipe (`opsdeck snapshot --json | head`) like other
    // command-line tools, instead of panicking inside println!.
    // SAFETY: called first thing, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    opsdeck::util::memory::configure_allocator();
    let cli = opsdeck::cli::Cli::parse();
    // The log file (OPSDECK_LOG / RUST_LOG); said once on stderr, before any screen, when
    // it was asked for and cannot be written.
    if let Err(e) = opsdeck::util::log::init() {
        eprintln!("opsdeck: {e}; logging off");
    }
    match opsdeck::cli::run(cli) {
        Ok(code) => {
            tracing::debug!(code, "exit");
            std::process::exit(code)
        }
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("opsdeck: {e:#}");
            std::process::exit(1);
        }
    }
}
