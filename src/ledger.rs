//! Old path of the ledger model and builder, kept while other modules move over.
//!
//! The values live in [`crate::model::ledger`], the builder in `validate::ledger`.

pub use crate::model::ledger::*;
pub use crate::validate::ledger::{build, reply_late, REPLY_MONTHS};
