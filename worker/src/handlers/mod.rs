//! Thin HTTP handlers: parse, check the caller, call storage/domain, answer JSON.

pub mod admin;
pub mod auth;
pub mod care;
pub mod dev;
pub mod elders;
pub mod escalation;
pub mod exports;
pub mod groups;
pub mod import;
pub mod invites;
pub mod months;
pub mod sessions;
pub mod setup;
pub mod sms;
pub mod sync;
