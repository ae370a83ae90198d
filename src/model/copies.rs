//! Files copied to the output verbatim (theme and site static files, content assets).

use std::path::PathBuf;

/// A file copied to the output as is: `rel` is its output path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CopyFile {
    pub rel: String,
    pub abs: PathBuf,
}
