//! Old path of the 完成时限 parser, kept while other modules move over (now `validate::deadline`).

pub use crate::validate::deadline::*;
