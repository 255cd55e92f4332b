//! Where opsdeck keeps its state (incidents, journals): `OPSDECK_STATE_DIR`, else the
//! platform data directory.
use std::path::PathBuf;

pub fn state_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("OPSDECK_STATE_DIR") {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "opsdeck")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".opsdeck-state"))
}
