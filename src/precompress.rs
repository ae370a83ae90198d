//! `build --precompress`: a `.gz` beside every text file, for nginx's `gzip_static` (the
//! server then sends the compressed bytes without compressing on every request).
//!
//! The `.gz` files are output files like any other: written through the same [`Sink`]
//! (so a failed build leaves them as they were and they are listed in the manifest), byte
//! for byte the same on every build (no name or time in the gzip header), and left out when
//! compressing does not make the file smaller.

use crate::output::Sink;
use flate2::{Compression, GzBuilder};
use std::io::{self, Write};
use std::path::Path;

/// Extensions of the files worth compressing.
const TEXT: &[&str] = &[
    "html",
    "css",
    "js",
    "mjs",
    "json",
    "xml",
    "svg",
    "txt",
    "csv",
    "map",
    "webmanifest",
];

pub fn is_text(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| TEXT.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Deterministic gzip (mtime 0, no file name) at the best compression.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3 + 64),
        Compression::best(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// A [`Sink`] that writes `<file>.gz` beside every text file it passes on.
pub struct Precompress<'a> {
    inner: &'a dyn Sink,
}

impl<'a> Precompress<'a> {
    pub fn new(inner: &'a dyn Sink) -> Precompress<'a> {
        Precompress { inner }
    }

    fn gz(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if is_text(rel) {
            let z = gzip(bytes);
            if z.len() < bytes.len() {
                self.inner.put(&format!("{rel}.gz"), &z)?;
            }
        }
        Ok(())
    }
}

impl Sink for Precompress<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.put(rel, bytes)?;
        self.gz(rel, bytes)
    }

    fn copy(&self, rel: &str, abs: &Path) -> io::Result<()> {
        self.inner.copy(rel, abs)?;
        if is_text(rel) {
            self.gz(rel, &std::fs::read(abs)?)?;
        }
        Ok(())
    }

    /// A kept page keeps its `.gz` too; when the previous output has none (it was built
    /// without `--precompress`), the page is rendered again so that one can be made.
    fn reuse(&self, rel: &str) -> io::Result<bool> {
        if !self.inner.reuse(rel)? {
            return Ok(false);
        }
        if !is_text(rel) {
            return Ok(true);
        }
        self.inner.reuse(&format!("{rel}.gz"))
    }

    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.inner.previous(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Memory;

    #[test]
    fn gz_beside_text_files_only_when_smaller_and_deterministic() {
        let mem = Memory::default();
        let p = Precompress::new(&mem);
        let page = "<p>政务公开</p>".repeat(100);
        p.put("a/index.html", page.as_bytes()).unwrap();
        p.put("tiny.txt", b"x").unwrap();
        p.put("logo.png", &[0u8; 400]).unwrap();
        let files = mem.files.lock().unwrap();
        let keys: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["a/index.html", "a/index.html.gz", "logo.png", "tiny.txt"]
        );
        let z = &files["a/index.html.gz"];
        assert_eq!(z, &gzip(page.as_bytes()));
        let mut out = String::new();
        use std::io::Read;
        flate2::read::GzDecoder::new(&z[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
    }
}
