use clap::Parser;

extern "C" fn ignore(_: libc::c_int) {}

fn main() {
    // SIGUSR1 and SIGALRM mean nothing to opsdeck: caught and dropped (a handler, not
    // SIG_IGN, so that the commands a runbook runs get the default action back at exec).
    // SAFETY: called first thing, before any thread exists; the handler does nothing.
    unsafe {
        for sig in [libc::SIGUSR1, libc::SIGALRM] {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = ignore as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    // SIGPIPE stays ignored (the Rust default): the simulator's servers and the screen
    // must never die of a client hanging up. Printing commands get EPIPE instead and exit
    // quietly with status 0 (`util::out`); `println!` panics on a failed write, and this
    // hook turns that into the same exit.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        opsdeck::util::out::handle_print_panic(info);
        prev(info)
    }));
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
            if let Some(io) = opsdeck::util::out::output_error(e.as_ref()) {
                let (code, msg) = opsdeck::util::out::exit_status(io);
                if let Some(m) = msg {
                    eprintln!("{m}");
                }
                std::process::exit(code);
            }
            eprintln!("{}", opsdeck::util::scrub::scrub(&format!("opsdeck: {e:#}")));
            std::process::exit(1);
        }
    }
}
