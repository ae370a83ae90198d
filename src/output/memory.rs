//! An in-memory output: a [`Sink`] that keeps every file's bytes, for tests.

use super::{check_rel, Sink};
use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

/// An in-memory output, for tests (serve keeps its own sink, which also diffs against the last
/// build: `serve::engine`).
#[derive(Default)]
pub struct Memory {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for Memory {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}
