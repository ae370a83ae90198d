//! Old path of the 政府网站工作年度报表 model and builder, kept while other modules move over.
//!
//! The table lives in [`crate::model::website`], the builder in `validate::website`.

pub use crate::model::website::*;
pub use crate::validate::website::{build_all, keys, Content};
