use clap::Parser;

fn main() {
    let cli = opsdeck::cli::Cli::parse();
    match opsdeck::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("opsdeck: {e:#}");
            std::process::exit(1);
        }
    }
}
