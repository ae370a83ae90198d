//! The integration tests, one binary: each module drives the real `gongkai` binary (or the
//! library) on fixture sites built with [`support`].

mod support;

mod architecture;
mod build;
mod check;
mod downloads;
mod editors;
mod fuzz;
mod hardening;
mod incremental;
mod inspection;
mod ledgers;
mod output;
mod publish;
mod report;
mod safety;
mod search;
mod search_serve;
mod serve;
