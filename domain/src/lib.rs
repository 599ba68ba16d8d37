//! Tanfang domain: the pure logic shared by the browser app, the worker and the CLI.
//!
//! Design decisions (see ARCHITECTURE.md):
//! - No IO, no clock: every function that depends on "now" takes the date as a parameter.
//! - Builds for native and `wasm32-unknown-unknown` alike, so the phone and the server decide
//!   schedules with the same code (`tests/wasm_parity.rs` checks this in Chromium).
//! - Dates are China Standard Time calendar days ([`date`]); instants become dates only at the
//!   edge ([`date::cst_date_from_unix_millis`]).
//! - Policies are data ([`policy::PolicyProfile`]): tiers tried in order with conditions and
//!   requirement rules, versioned, and a local profile may only be stricter than its base.
//! - Errors carry the CLI contract's codes ([`classify::ErrorCode`]) and name the field; messages
//!   are Chinese first, English in brackets.
//!
//! The flow: [`elder::ElderFile`] (一人一档) → [`elder::ElderFacts`] → [`classify::classify`]
//! under a [`policy::PolicyProfile`] → [`schedule::schedule`] / [`schedule::due_list`] with the
//! elder's visits and active [`schedule::Surge`]s → [`rate`] (月探访率), computed from scratch
//! or kept incrementally as [`rate::MonthlyTally`] rows keyed by (month, community, tier).
//! [`escalation::escalations`] climbs the ladder (reminded → backup → community staff → missed)
//! for each unmet requirement as its period runs out.
//! Region codes are 12-digit 统计用区划代码 and subtree membership is a prefix test ([`region`]).

pub mod care;
pub mod classify;
pub mod date;
pub mod decimal;
pub mod demo;
pub mod due_state;
pub mod elder;
pub mod escalation;
pub mod evidence;
pub mod group;
pub mod id_number;
pub mod missed;
pub mod month_close;
pub mod phone;
pub mod pinyin;
pub mod policy;
pub mod rate;
pub mod region;
pub mod schedule;
pub mod sim;
pub mod sms_code;
pub mod sync;
pub mod visit;
