//! gongkai's static Chinese search index: document-level bigram postings, sharded into small
//! files that the search page's script (`assets/search-core.js`, no WASM) fetches per query.
//!
//! [`text`] normalises and tokenises (the client does exactly the same); [`index`] builds the
//! files, and [`update`] updates them after a few documents changed. What goes in is decided by `render::search::records`, from the site model only.

pub mod index;
pub mod text;
pub mod update;

pub use index::{build, Doc};
