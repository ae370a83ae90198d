//! Old path of the personal-data scan, which now lives below `config` in [`crate::privacy`].

pub use crate::privacy::*;
