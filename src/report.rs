//! Old path of the annual report model and builder, kept while other modules move over.
//!
//! The figures live in [`crate::model::report`], the builder in `validate::report`.

pub use crate::model::report::*;
pub use crate::validate::report::{build_all, count, MAX_COUNT};
