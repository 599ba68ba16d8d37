//! Tanfang domain: the pure logic shared by the browser app, the worker and the CLI.
//!
//! Design decisions (see ARCHITECTURE.md):
//! - No IO, no clock: every function that depends on "now" takes the date as a parameter.
//! - Builds for native and `wasm32-unknown-unknown` alike, so the phone and the server decide
//!   schedules with the same code.

pub mod classify;
pub mod date;
pub mod demo;
pub mod elder;
pub mod group;
pub mod id_number;
pub mod phone;
pub mod pinyin;
pub mod policy;
pub mod rate;
pub mod region;
pub mod schedule;
pub mod sync;
pub mod visit;
