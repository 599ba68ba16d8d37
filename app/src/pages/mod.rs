//! One page per file. Coordinator console pages go here as `coord_*.rs`.

pub mod certificate;
pub mod coord_care;
pub mod coord_dashboard;
pub mod coord_due;
pub mod coord_elder;
pub mod coord_forms;
pub mod coord_import;
pub mod coord_people;
pub mod coord_regions;
pub mod coord_registry;
pub mod coord_surges;
pub mod elder_card;
pub mod emergency;
pub mod group_dashboard;
pub mod group_home;
pub mod group_join;
pub mod group_register;
pub mod group_review;
pub mod login;
pub mod my_hours;
pub mod settings;
pub mod today;
pub mod visit_form;
