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
    match opsdeck::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("opsdeck: {e:#}");
            std::process::exit(1);
        }
    }
}
