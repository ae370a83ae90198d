//! `gongkai serve`: live preview. (Being built: see the serve issue.)

use std::path::PathBuf;

pub struct Options {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

pub fn run(opts: Options) -> Result<(), String> {
    Err(format!("serve is not available yet ({}:{} for {})", opts.bind, opts.port, opts.root.display()))
}
