//! The config file: TOML, shape in DESIGN.md section 5. `types` holds what the file says,
//! `load` reads and validates it into those types with file:line:col errors.
pub mod check;
pub mod cli;
pub mod init;
pub mod keymap;
pub mod load;
pub mod ops;
pub mod promql;
pub mod secrets;
pub mod snippet;
pub mod types;
pub mod validate;
pub mod validate_ops;
pub mod walk;

pub use load::{ConfigError, load_file, parse_str, resolve_path};
pub use ops::*;
pub use types::*;
