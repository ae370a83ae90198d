//! Every library path the tests call directly, in one place: when the crate moves an item,
//! it is re-pointed here once and the tests keep their names.

use chrono::NaiveDate;
use std::path::Path;

pub use gongkai::config::parse as parse_config;
pub use gongkai::diagnostics::Diagnostic;
pub use gongkai::privacy;
pub use gongkai::serve::engine::{Changes, Engine, Update};
pub use gongkai::serve::http::{host_ok, redirect_target, resolve};
pub use gongkai::source::{parse_doc, RawData, Section, SourceFile};
pub use gongkai::validate::website::keys as website_keys;
pub use gongkai::validate::Options as ValidateOptions;
pub use gongkai::validate::{deadline, ledger};
pub use gongkai::{check, markdown, Error};

/// The build date of every test, 2016-12-01 (the CLI tests' `SOURCE_DATE_EPOCH`).
pub fn build_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 12, 1).unwrap()
}

/// Validation on [`build_date`].
pub fn validate_options() -> ValidateOptions {
    ValidateOptions {
        build_date: build_date(),
    }
}

/// `gongkai::build` of `root` into `out` on [`build_date`], with search, without precompression.
pub fn build_into(root: &Path, out: &Path) -> Result<(), Error> {
    let opts = gongkai::BuildOptions {
        output: Some(out.to_path_buf()),
        base_url: None,
        validate: validate_options(),
        // As users run it: the kept-or-rebuilt search index is part of every comparison.
        search: true,
        precompress: false,
        previous: None,
    };
    gongkai::build(root, &opts).map(|_| ())
}
