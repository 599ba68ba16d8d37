//! The care loop (探访 → 关爱): what a visit finds is acted on and closed.
//!
//! - [`Hazard`] (安全隐患): opened by a visit that marks gas, water/heating, electricity or fire
//!   不安全 (or 较安全 twice running, see [`crate::visit::follow_ups`]), with a due date for
//!   removal; reminders given to the elder or 赡养人 are recorded; later visits re-check it; it
//!   is closed only by a later visit that finds the item 安全, or by a coordinator with a note.
//! - [`Referral`] (需求转介): a need becomes a referral to a provider,
//!   open → referred → accepted → done, or declined, with a deadline; [`Referral::is_overdue`]
//!   takes the date as a parameter.
//! - [`PolicyAdvice`] (政策宣讲) and [`ServiceDelivery`] against the catalogues in
//!   [`catalogue`] (平利 附件2, 天津 附件2 关爱类, 济宁 三(三)).
//! - [`Emergency`] (应急处置): calls to 120/110/119 and the emergency contacts in order, each
//!   attempt with its outcome; a closing record is required before it can be closed.
//! - Device alerts: [`decide_device_message`] ignores duplicates (same device + message id),
//!   replays outside the time window and devices not bound to the elder.
//! - [`FamilyDuty`] (子女未尽赡养义务): the reminders a coordinator gives until resolved.
//! - [`Delivery`]: the state of one outbound notification with retries and back-off.
//!
//! # Design decisions
//! - **State machines are pure functions** `apply(&self, event) -> Result<Self, TransitionError>`:
//!   an illegal event is an error naming the state and the event, and changes nothing. The
//!   worker stores the result; the tests walk every (state, event) pair.
//! - **No clock.** Dates and unix milliseconds come in as parameters.
//! - **Ids are deterministic where the source is**: a hazard opened by a visit has the id
//!   `{visit_id}:{item}`, so applying the same visit twice cannot open two hazards.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::classify::ErrorCode;
use crate::elder::{ContactKind, EmergencyContact, FieldError};
use crate::policy::VisitMode;
use crate::visit::{follow_ups, FollowUp, Safety, SafetyItem, VisitRecord};

pub use crate::visit::{CareServiceKind, NeedCategory, Satisfaction};

/// Longest free text (notes, records), in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// An event that is not allowed in the current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionError {
    /// The state the object was in (wire name).
    pub state: String,
    /// The event that was refused (wire name).
    pub event: String,
    /// The field at fault, when the event itself is bad (`note`, `deadline`…).
    pub field: Option<String>,
    /// Chinese first, English in brackets.
    pub message: String,
}

impl TransitionError {
    fn illegal(state: &str, event: &str) -> Self {
        TransitionError {
            state: state.to_string(),
            event: event.to_string(),
            field: None,
            message: format!("当前状态“{state}”不能执行“{event}” (not allowed in this state)"),
        }
    }

    fn bad(state: &str, event: &str, field: &str, message: &str) -> Self {
        TransitionError {
            state: state.to_string(),
            event: event.to_string(),
            field: Some(field.to_string()),
            message: message.to_string(),
        }
    }
}

fn note_ok(note: &str) -> bool {
    !note.trim().is_empty() && note.chars().count() <= MAX_NOTE_CHARS
}

const NOTE_MESSAGE: &str = "须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)";

// ---------------------------------------------------------------------------------------------
// Hazards
// ---------------------------------------------------------------------------------------------

/// The state of a hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardState {
    /// 待整改: found, no reminder recorded yet.
    Open,
    /// 已提醒: the elder or 赡养人 has been told to remove it.
    Reminded,
    /// 已消除: a later visit found it safe, or a coordinator closed it with a note.
    Closed,
}

impl HazardState {
    pub const ALL: &'static [HazardState] = &[
        HazardState::Open,
        HazardState::Reminded,
        HazardState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HazardState::Open => "open",
            HazardState::Reminded => "reminded",
            HazardState::Closed => "closed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            HazardState::Open => "待整改",
            HazardState::Reminded => "已提醒",
            HazardState::Closed => "已消除",
        }
    }
}

/// Who was reminded to remove a hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderTarget {
    /// 老年人本人
    Elder,
    /// 赡养人 (a child or other supporter)
    Supporter,
    /// 村（居）委会 / 物业
    Community,
}

/// A reminder given (安全提醒).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub date: NaiveDate,
    pub to: ReminderTarget,
    #[serde(default)]
    pub note: String,
    /// The user who recorded it.
    #[serde(default)]
    pub by: String,
}

/// A follow-up visit's look at the hazard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardCheck {
    pub visit_id: String,
    pub date: NaiveDate,
    pub level: Safety,
}

/// How a hazard was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum HazardClosure {
    /// A later visit found the item 安全.
    Visit { visit_id: String, date: NaiveDate },
    /// A coordinator closed it with a note (e.g. the gas company replaced the hose).
    Coordinator {
        user_id: String,
        date: NaiveDate,
        note: String,
    },
}

/// Something that happens to a hazard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HazardEvent {
    /// A reminder was given to the elder / 赡养人.
    Remind(Reminder),
    /// A later visit looked at the item again.
    Recheck(HazardCheck),
    /// A coordinator closes it with a note.
    CoordinatorClose {
        user_id: String,
        date: NaiveDate,
        note: String,
    },
}

impl HazardEvent {
    pub fn as_str(&self) -> &'static str {
        match self {
            HazardEvent::Remind(_) => "remind",
            HazardEvent::Recheck(_) => "recheck",
            HazardEvent::CoordinatorClose { .. } => "coordinator_close",
        }
    }
}

/// Days allowed to remove a hazard: 不安全 gets a shorter time than 较安全 twice running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardDeadlines {
    pub unsafe_days: u64,
    pub fairly_safe_days: u64,
}

impl Default for HazardDeadlines {
    fn default() -> Self {
        HazardDeadlines {
            unsafe_days: 7,
            fairly_safe_days: 30,
        }
    }
}

impl HazardDeadlines {
    /// The removal due date of a hazard of `level` found on `found_on`.
    pub fn due(&self, found_on: NaiveDate, level: Safety) -> NaiveDate {
        let days = match level {
            Safety::Unsafe => self.unsafe_days,
            _ => self.fairly_safe_days,
        };
        found_on + Days::new(days)
    }
}

/// A safety hazard on an elder's file (安全隐患).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hazard {
    /// `{visit_id}:{item}`.
    pub id: String,
    pub elder_id: String,
    pub item: SafetyItem,
    /// The level found most recently.
    pub level: Safety,
    /// 较安全 twice running rather than 不安全.
    pub repeated: bool,
    pub opened_by_visit: String,
    pub opened_on: NaiveDate,
    /// Removal due date.
    pub due: NaiveDate,
    pub state: HazardState,
    #[serde(default)]
    pub reminders: Vec<Reminder>,
    #[serde(default)]
    pub checks: Vec<HazardCheck>,
    #[serde(default)]
    pub closure: Option<HazardClosure>,
}

impl Hazard {
    /// One line for lists on the phone, e.g.
    /// `安全隐患：用电安全（不安全，12-06 前整改，待整改）`.
    pub fn summary_zh(&self) -> String {
        format!(
            "安全隐患：{}（{}{}，{} 前整改，{}）",
            self.item.label_zh(),
            self.level.label_zh(),
            if self.repeated { "，连续两次" } else { "" },
            crate::date::month_day(self.due),
            self.state.label_zh()
        )
    }

    /// A hazard opened by `visit` for `item`.
    pub fn open(
        visit: &VisitRecord,
        item: SafetyItem,
        level: Safety,
        repeated: bool,
        deadlines: &HazardDeadlines,
    ) -> Hazard {
        Hazard {
            id: format!("{}:{}", visit.id, item.as_str()),
            elder_id: visit.elder_id.clone(),
            item,
            level,
            repeated,
            opened_by_visit: visit.id.clone(),
            opened_on: visit.date,
            due: deadlines.due(visit.date, level),
            state: HazardState::Open,
            reminders: Vec::new(),
            checks: Vec::new(),
            closure: None,
        }
    }

    /// Not closed and past its due date on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.state != HazardState::Closed && today > self.due
    }

    /// The hazard after `event`, or why the event is not allowed.
    pub fn apply(&self, event: &HazardEvent) -> Result<Hazard, TransitionError> {
        let state = self.state.as_str();
        let name = event.as_str();
        if self.state == HazardState::Closed {
            return Err(TransitionError::illegal(state, name));
        }
        let mut next = self.clone();
        match event {
            HazardEvent::Remind(reminder) => {
                if reminder.date < self.opened_on {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "date",
                        "提醒日期早于发现日期 (before the hazard was found)",
                    ));
                }
                if reminder.note.chars().count() > MAX_NOTE_CHARS {
                    return Err(TransitionError::bad(state, name, "note", NOTE_MESSAGE));
                }
                next.reminders.push(reminder.clone());
                next.state = HazardState::Reminded;
            }
            HazardEvent::Recheck(check) => {
                if check.visit_id == self.opened_by_visit
                    || self.checks.iter().any(|c| c.visit_id == check.visit_id)
                {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "visit_id",
                        "同一次探访不能复查两次 (this visit already counted)",
                    ));
                }
                if check.date < self.opened_on {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "date",
                        "复查日期早于发现日期 (before the hazard was found)",
                    ));
                }
                next.checks.push(check.clone());
                next.level = check.level;
                if check.level == Safety::Safe {
                    next.state = HazardState::Closed;
                    next.closure = Some(HazardClosure::Visit {
                        visit_id: check.visit_id.clone(),
                        date: check.date,
                    });
                }
            }
            HazardEvent::CoordinatorClose {
                user_id,
                date,
                note,
            } => {
                if !note_ok(note) {
                    return Err(TransitionError::bad(state, name, "note", NOTE_MESSAGE));
                }
                if *date < self.opened_on {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "date",
                        "关闭日期早于发现日期 (before the hazard was found)",
                    ));
                }
                next.state = HazardState::Closed;
                next.closure = Some(HazardClosure::Coordinator {
                    user_id: user_id.clone(),
                    date: *date,
                    note: note.trim().to_string(),
                });
            }
        }
        Ok(next)
    }
}

/// What a visit does to an elder's hazards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum HazardChange {
    /// A new hazard (no open one for that item).
    Opened(Hazard),
    /// An open hazard re-checked (and maybe closed) by this visit.
    Rechecked(Hazard),
}

/// What `visit` does to the elder's `open` hazards (those not closed), given the elder's
/// `previous` visit: a home visit re-checks every open hazard (closing it when now 安全), and every item [`follow_ups`] flags without an open hazard opens one. A visit
/// that already opened or re-checked a hazard changes nothing the second time.
pub fn hazards_after_visit(
    visit: &VisitRecord,
    previous: Option<&VisitRecord>,
    open: &[Hazard],
    deadlines: &HazardDeadlines,
) -> Vec<HazardChange> {
    let mut changes = Vec::new();
    // Only someone who was in the home can say the gas is now safe: phone, video and other
    // visits (whose safety items are the forms' default 安全) re-check nothing.
    let rechecks = visit.mode == VisitMode::Home;
    for hazard in open.iter().filter(|h| h.state != HazardState::Closed) {
        if hazard.elder_id != visit.elder_id || !rechecks {
            continue;
        }
        let event = HazardEvent::Recheck(HazardCheck {
            visit_id: visit.id.clone(),
            date: visit.date,
            level: visit.safety_of(hazard.item),
        });
        if let Ok(next) = hazard.apply(&event) {
            changes.push(HazardChange::Rechecked(next));
        }
    }
    for follow_up in follow_ups(visit, previous) {
        if let FollowUp::Hazard {
            item,
            level,
            repeated,
        } = follow_up
        {
            let already = open
                .iter()
                .any(|h| h.item == item && h.state != HazardState::Closed);
            if !already {
                changes.push(HazardChange::Opened(Hazard::open(
                    visit, item, level, repeated, deadlines,
                )));
            }
        }
    }
    changes
}

// ---------------------------------------------------------------------------------------------
// Referrals
// ---------------------------------------------------------------------------------------------

/// The state of a referral (需求转介).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralState {
    /// 待转介
    Open,
    /// 已转介 to a provider, waiting for its answer.
    Referred,
    /// 已接单: the provider took it on.
    Accepted,
    /// 已完成
    Done,
    /// 已拒绝/撤销: the provider or the elder declined (with a reason).
    Declined,
}

impl ReferralState {
    pub const ALL: &'static [ReferralState] = &[
        ReferralState::Open,
        ReferralState::Referred,
        ReferralState::Accepted,
        ReferralState::Done,
        ReferralState::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferralState::Open => "open",
            ReferralState::Referred => "referred",
            ReferralState::Accepted => "accepted",
            ReferralState::Done => "done",
            ReferralState::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> Option<ReferralState> {
        ReferralState::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ReferralState::Open => "待转介",
            ReferralState::Referred => "已转介",
            ReferralState::Accepted => "已接单",
            ReferralState::Done => "已完成",
            ReferralState::Declined => "已拒绝",
        }
    }

    /// Done or declined.
    pub fn is_final(self) -> bool {
        matches!(self, ReferralState::Done | ReferralState::Declined)
    }
}

/// Something that happens to a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReferralEvent {
    /// Sent to a provider, who must answer / act by `deadline`.
    Refer {
        provider_id: String,
        date: NaiveDate,
        deadline: NaiveDate,
    },
    /// The provider took it on.
    Accept { date: NaiveDate },
    /// The service was delivered.
    Complete { date: NaiveDate, note: String },
    /// The provider or the elder declined.
    Decline { date: NaiveDate, reason: String },
}

impl ReferralEvent {
    pub fn as_str(&self) -> &'static str {
        match self {
            ReferralEvent::Refer { .. } => "refer",
            ReferralEvent::Accept { .. } => "accept",
            ReferralEvent::Complete { .. } => "complete",
            ReferralEvent::Decline { .. } => "decline",
        }
    }

    fn date(&self) -> NaiveDate {
        match self {
            ReferralEvent::Refer { date, .. }
            | ReferralEvent::Accept { date }
            | ReferralEvent::Complete { date, .. }
            | ReferralEvent::Decline { date, .. } => *date,
        }
    }
}

/// Days a new referral has to be sent to a provider.
pub const DEFAULT_REFERRAL_DAYS: u64 = 7;

/// A need referred to a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: String,
    pub elder_id: String,
    pub category: NeedCategory,
    #[serde(default)]
    pub text: String,
    /// The visit the need came from, if any.
    #[serde(default)]
    pub from_visit: Option<String>,
    pub opened_on: NaiveDate,
    /// When the current step must be done by.
    pub deadline: NaiveDate,
    pub state: ReferralState,
    #[serde(default)]
    pub provider_id: Option<String>,
    /// The last event's date.
    pub updated_on: NaiveDate,
    /// The outcome note or the reason for declining.
    #[serde(default)]
    pub outcome: String,
}

impl Referral {
    /// A new open referral, to be sent to a provider within [`DEFAULT_REFERRAL_DAYS`].
    pub fn open(
        id: impl Into<String>,
        elder_id: impl Into<String>,
        category: NeedCategory,
        text: impl Into<String>,
        from_visit: Option<String>,
        opened_on: NaiveDate,
    ) -> Referral {
        Referral {
            id: id.into(),
            elder_id: elder_id.into(),
            category,
            text: text.into(),
            from_visit,
            opened_on,
            deadline: opened_on + Days::new(DEFAULT_REFERRAL_DAYS),
            state: ReferralState::Open,
            provider_id: None,
            updated_on: opened_on,
            outcome: String::new(),
        }
    }

    /// Not done or declined, and past its deadline on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.state.is_final() && today > self.deadline
    }

    /// The referral after `event`, or why not. Allowed: open → referred; referred → accepted;
    /// accepted → done; open, referred or accepted → declined (with a reason).
    pub fn apply(&self, event: &ReferralEvent) -> Result<Referral, TransitionError> {
        use ReferralState::*;
        let state = self.state.as_str();
        let name = event.as_str();
        let target = match (self.state, event) {
            (Open, ReferralEvent::Refer { .. }) => Referred,
            (Referred, ReferralEvent::Accept { .. }) => Accepted,
            (Accepted, ReferralEvent::Complete { .. }) => Done,
            (Open | Referred | Accepted, ReferralEvent::Decline { .. }) => Declined,
            _ => return Err(TransitionError::illegal(state, name)),
        };
        if event.date() < self.updated_on {
            return Err(TransitionError::bad(
                state,
                name,
                "date",
                "日期早于上一步 (before the previous step)",
            ));
        }
        let mut next = self.clone();
        next.state = target;
        next.updated_on = event.date();
        match event {
            ReferralEvent::Refer {
                provider_id,
                date,
                deadline,
            } => {
                if provider_id.trim().is_empty() {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "provider_id",
                        "须选择服务机构 (choose a provider)",
                    ));
                }
                if deadline < date {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "deadline",
                        "期限早于转介日期 (deadline before the referral)",
                    ));
                }
                next.provider_id = Some(provider_id.clone());
                next.deadline = *deadline;
            }
            ReferralEvent::Accept { .. } => {}
            ReferralEvent::Complete { note, .. } => {
                if !note_ok(note) {
                    return Err(TransitionError::bad(state, name, "note", NOTE_MESSAGE));
                }
                next.outcome = note.trim().to_string();
            }
            ReferralEvent::Decline { reason, .. } => {
                if !note_ok(reason) {
                    return Err(TransitionError::bad(state, name, "reason", NOTE_MESSAGE));
                }
                next.outcome = reason.trim().to_string();
            }
        }
        Ok(next)
    }
}

/// Kinds of service providers in a region's directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// 养老服务机构 / 照料中心
    ElderlyCare,
    /// 社会工作服务站（民政服务站）
    SocialWork,
    /// 家庭医生
    FamilyDoctor,
    /// 物业服务企业
    Property,
    /// 燃气/水电公司
    Utility,
    /// 残联、医保等政府部门
    Government,
    Other,
}

impl ProviderKind {
    pub const ALL: &'static [ProviderKind] = &[
        ProviderKind::ElderlyCare,
        ProviderKind::SocialWork,
        ProviderKind::FamilyDoctor,
        ProviderKind::Property,
        ProviderKind::Utility,
        ProviderKind::Government,
        ProviderKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::ElderlyCare => "elderly_care",
            ProviderKind::SocialWork => "social_work",
            ProviderKind::FamilyDoctor => "family_doctor",
            ProviderKind::Property => "property",
            ProviderKind::Utility => "utility",
            ProviderKind::Government => "government",
            ProviderKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ProviderKind> {
        ProviderKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ProviderKind::ElderlyCare => "养老服务机构",
            ProviderKind::SocialWork => "社会工作服务站",
            ProviderKind::FamilyDoctor => "家庭医生",
            ProviderKind::Property => "物业服务企业",
            ProviderKind::Utility => "水电燃气公司",
            ProviderKind::Government => "政府部门",
            ProviderKind::Other => "其他",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Policy advice, service deliveries and the catalogues
// ---------------------------------------------------------------------------------------------

/// Benefits a visitor may tell an elder about (政策宣讲).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Benefit {
    /// 高龄津贴
    OldAgeAllowance,
    /// 养老服务补贴
    CareSubsidy,
    /// 护理补贴
    NursingSubsidy,
    /// 最低生活保障
    Dibao,
    /// 特困人员救助供养
    Tekun,
    /// 残疾人两项补贴
    DisabilitySubsidies,
    /// 医疗救助
    MedicalAid,
    /// 居家适老化改造补贴
    HomeAdaptationSubsidy,
    Other,
}

impl Benefit {
    /// Every benefit, in the order a form lists them.
    pub const ALL: &'static [Benefit] = &[
        Benefit::OldAgeAllowance,
        Benefit::CareSubsidy,
        Benefit::NursingSubsidy,
        Benefit::Dibao,
        Benefit::Tekun,
        Benefit::DisabilitySubsidies,
        Benefit::MedicalAid,
        Benefit::HomeAdaptationSubsidy,
        Benefit::Other,
    ];

    /// The wire name (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Benefit::OldAgeAllowance => "old_age_allowance",
            Benefit::CareSubsidy => "care_subsidy",
            Benefit::NursingSubsidy => "nursing_subsidy",
            Benefit::Dibao => "dibao",
            Benefit::Tekun => "tekun",
            Benefit::DisabilitySubsidies => "disability_subsidies",
            Benefit::MedicalAid => "medical_aid",
            Benefit::HomeAdaptationSubsidy => "home_adaptation_subsidy",
            Benefit::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Benefit> {
        Benefit::ALL.iter().copied().find(|b| b.as_str() == text)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Benefit::OldAgeAllowance => "old-age allowance",
            Benefit::CareSubsidy => "elderly-care subsidy",
            Benefit::NursingSubsidy => "nursing subsidy",
            Benefit::Dibao => "minimum living allowance",
            Benefit::Tekun => "support for the extremely poor",
            Benefit::DisabilitySubsidies => "disability subsidies",
            Benefit::MedicalAid => "medical aid",
            Benefit::HomeAdaptationSubsidy => "home adaptation subsidy",
            Benefit::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Benefit::OldAgeAllowance => "高龄津贴",
            Benefit::CareSubsidy => "养老服务补贴",
            Benefit::NursingSubsidy => "护理补贴",
            Benefit::Dibao => "最低生活保障",
            Benefit::Tekun => "特困人员救助供养",
            Benefit::DisabilitySubsidies => "残疾人两项补贴",
            Benefit::MedicalAid => "医疗救助",
            Benefit::HomeAdaptationSubsidy => "居家适老化改造补贴",
            Benefit::Other => "其他",
        }
    }
}

/// What came of the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdviceOutcome {
    /// 已告知
    Informed,
    /// 协助申请
    HelpedApply,
    /// 已享受
    AlreadyReceives,
    /// 不愿申请
    Declined,
}

impl AdviceOutcome {
    /// Every outcome, in the order a form lists them.
    pub const ALL: &'static [AdviceOutcome] = &[
        AdviceOutcome::Informed,
        AdviceOutcome::HelpedApply,
        AdviceOutcome::AlreadyReceives,
        AdviceOutcome::Declined,
    ];

    /// The wire name (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            AdviceOutcome::Informed => "informed",
            AdviceOutcome::HelpedApply => "helped_apply",
            AdviceOutcome::AlreadyReceives => "already_receives",
            AdviceOutcome::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> Option<AdviceOutcome> {
        AdviceOutcome::ALL
            .iter()
            .copied()
            .find(|o| o.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AdviceOutcome::Informed => "已告知",
            AdviceOutcome::HelpedApply => "协助申请",
            AdviceOutcome::AlreadyReceives => "已享受",
            AdviceOutcome::Declined => "不愿申请",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AdviceOutcome::Informed => "informed",
            AdviceOutcome::HelpedApply => "helped to apply",
            AdviceOutcome::AlreadyReceives => "already receives it",
            AdviceOutcome::Declined => "does not want to apply",
        }
    }
}

/// A record that a visitor told an elder about a benefit they may qualify for (政策宣讲).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyAdvice {
    pub elder_id: String,
    pub date: NaiveDate,
    pub by: String,
    pub benefit: Benefit,
    /// Required for [`Benefit::Other`].
    #[serde(default)]
    pub detail: String,
    pub outcome: AdviceOutcome,
}

impl PolicyAdvice {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.benefit == Benefit::Other && self.detail.trim().is_empty() {
            errors.push(FieldError::with_code(
                "detail",
                ErrorCode::MissingField,
                "“其他”政策须说明 (describe the benefit)",
            ));
        }
        if self.detail.chars().count() > MAX_NOTE_CHARS {
            errors.push(FieldError::new("detail", NOTE_MESSAGE));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The care-service catalogues of the texts, as data.
pub mod catalogue {
    use serde::Serialize;

    /// Which text a catalogue comes from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Source {
        /// 平利 附件2 特殊困难老年人探访关爱服务清单 (16 services).
        Pingli,
        /// 天津 附件2 二、关爱类 (items 8–11).
        Tianjin,
        /// 济宁 三(三) 丰富探访关爱服务内容 (8 kinds).
        Jining,
    }

    /// One catalogue entry.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    pub struct Entry {
        pub source: Source,
        /// `pingli-01` … (stable; stored with delivered services).
        pub code: &'static str,
        /// 服务类别
        pub group_zh: &'static str,
        /// 服务名称
        pub name_zh: &'static str,
        /// 服务细则 (abridged from the text)
        pub detail_zh: &'static str,
    }

    const fn e(
        source: Source,
        code: &'static str,
        group_zh: &'static str,
        name_zh: &'static str,
        detail_zh: &'static str,
    ) -> Entry {
        Entry {
            source,
            code,
            group_zh,
            name_zh,
            detail_zh,
        }
    }

    use Source::{Jining as J, Pingli as P, Tianjin as T};

    /// Every entry, per source in the texts' order.
    pub const ENTRIES: &[Entry] = &[
        e(
            P,
            "pingli-01",
            "环境卫生",
            "个人卫生",
            "督促帮助勤理发、洗头、洗脚，协助清洗衣物",
        ),
        e(
            P,
            "pingli-02",
            "环境卫生",
            "居室卫生",
            "协助室内保洁，每月清洗一次床上用品",
        ),
        e(
            P,
            "pingli-03",
            "环境卫生",
            "户外卫生",
            "协助保持室外清洁，杂物堆放有序",
        ),
        e(
            P,
            "pingli-04",
            "生活服务",
            "健康食谱",
            "协助制定健康食谱，适时就餐",
        ),
        e(
            P,
            "pingli-05",
            "生活服务",
            "代订送餐",
            "协助代订一日三餐，送上门",
        ),
        e(
            P,
            "pingli-06",
            "生活服务",
            "代购用品",
            "协助代购米面粮油盐等基本用品",
        ),
        e(
            P,
            "pingli-07",
            "医疗服务",
            "常规检查",
            "每月一次血压、血糖、心率、脉搏等常规检查",
        ),
        e(
            P,
            "pingli-08",
            "医疗服务",
            "告知义务",
            "病情及时告知子女或赡养人，严重时报告村（居）委会或镇政府",
        ),
        e(
            P,
            "pingli-09",
            "医疗服务",
            "门诊服务",
            "需就医时联系家庭医生，并告知子女",
        ),
        e(
            P,
            "pingli-10",
            "医疗服务",
            "住院服务",
            "受委托办理入院手续、陪护、生活照料",
        ),
        e(
            P,
            "pingli-11",
            "医疗服务",
            "失能服务",
            "勤查看、勤洗身、勤换衣，陪护户外活动",
        ),
        e(
            P,
            "pingli-12",
            "医疗服务",
            "用药服务",
            "督促引导长期患病者及时规范用药",
        ),
        e(
            P,
            "pingli-13",
            "安全防范",
            "检查义务",
            "定期检查水、电、煤气安全隐患，督促消除",
        ),
        e(
            P,
            "pingli-14",
            "安全防范",
            "培训义务",
            "培训指导安全用电、煤气、火",
        ),
        e(
            P,
            "pingli-15",
            "安全防范",
            "用火安全",
            "教育引导注意野外用火安全",
        ),
        e(
            P,
            "pingli-16",
            "宣传法律",
            "宣传法律",
            "宣传防诈、防骗基本知识",
        ),
        e(
            T,
            "tianjin-08",
            "关爱类",
            "政策宣讲",
            "告知可能符合的社会保障政策，视情协助申请",
        ),
        e(
            T,
            "tianjin-09",
            "关爱类",
            "需求转介",
            "对接养老服务和医疗健康等服务资源",
        ),
        e(
            T,
            "tianjin-10",
            "关爱类",
            "必要救援",
            "拨打紧急求助电话，联系家庭成员或监护人",
        ),
        e(
            T,
            "tianjin-11",
            "关爱类",
            "安全提醒",
            "提醒老年人及时消除居住环境安全隐患",
        ),
        e(
            J,
            "jining-1",
            "服务内容",
            "健康管理服务",
            "了解健康状况，协助对接医疗健康资源",
        ),
        e(
            J,
            "jining-2",
            "服务内容",
            "居家安全服务",
            "了解住房和水电气暖安全，提醒并协助消除隐患",
        ),
        e(
            J,
            "jining-3",
            "服务内容",
            "政策链接服务",
            "告知依法申请社会保障待遇，代询代办代购",
        ),
        e(
            J,
            "jining-4",
            "服务内容",
            "养老顾问服务",
            "养老服务咨询指导，转介绿色通道，防诈宣传",
        ),
        e(
            J,
            "jining-5",
            "服务内容",
            "精神慰藉服务",
            "督促履行赡养扶养义务；陪伴、陪聊、心理疏导",
        ),
        e(
            J,
            "jining-6",
            "服务内容",
            "社区活动服务",
            "对接资源，组织参与社区活动",
        ),
        e(
            J,
            "jining-7",
            "服务内容",
            "应急救援服务",
            "协助拨打紧急电话，联系子女亲属和村（居）负责人",
        ),
        e(
            J,
            "jining-8",
            "服务内容",
            "绿色通道服务",
            "公共服务场所优先办理",
        ),
    ];

    /// The entries of one source.
    pub fn of(source: Source) -> impl Iterator<Item = &'static Entry> {
        ENTRIES.iter().filter(move |entry| entry.source == source)
    }

    /// The entry with `code`.
    pub fn find(code: &str) -> Option<&'static Entry> {
        ENTRIES.iter().find(|entry| entry.code == code)
    }
}

/// A care service delivered against a catalogue entry (关爱服务情况).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDelivery {
    pub elder_id: String,
    /// A [`catalogue::Entry::code`].
    pub service_code: String,
    /// Who delivered it (user id or provider id).
    pub by: String,
    pub date: NaiveDate,
    pub duration_minutes: u32,
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    #[serde(default)]
    pub note: String,
}

impl ServiceDelivery {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if catalogue::find(&self.service_code).is_none() {
            errors.push(FieldError::new(
                "service_code",
                "不在服务清单中 (not in the service catalogue)",
            ));
        }
        if self.by.trim().is_empty() {
            errors.push(FieldError::with_code(
                "by",
                ErrorCode::MissingField,
                "不能为空 (required)",
            ));
        }
        if self.duration_minutes == 0 || self.duration_minutes > 24 * 60 {
            errors.push(FieldError::new(
                "duration_minutes",
                "须为 1–1440 分钟 (must be 1–1440 minutes)",
            ));
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            errors.push(FieldError::new("note", NOTE_MESSAGE));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Emergencies
// ---------------------------------------------------------------------------------------------

/// Whom an emergency call goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallTarget {
    /// 120 急救
    Ambulance,
    /// 110 报警
    Police,
    /// 119 火警
    Fire,
    /// The elder's emergency contact number `index` (in the file's order).
    Contact {
        index: usize,
        contact: ContactKind,
        name: String,
        phone: String,
    },
}

impl CallTarget {
    /// The number to dial.
    pub fn number(&self) -> &str {
        match self {
            CallTarget::Ambulance => "120",
            CallTarget::Police => "110",
            CallTarget::Fire => "119",
            CallTarget::Contact { phone, .. } => phone,
        }
    }

    pub fn label_zh(&self) -> String {
        match self {
            CallTarget::Ambulance => "120 急救".to_string(),
            CallTarget::Police => "110 报警".to_string(),
            CallTarget::Fire => "119 火警".to_string(),
            CallTarget::Contact { contact, name, .. } => {
                let kind = match contact {
                    ContactKind::Child => "子女",
                    ContactKind::Relative => "近亲属",
                    ContactKind::Community => "社区（村）",
                };
                format!("{kind}：{name}")
            }
        }
    }
}

/// The calls offered in order: 120, 110, 119, then the emergency contacts — children first,
/// then relatives, then the community — keeping the file's order within a kind.
pub fn call_order(contacts: &[EmergencyContact]) -> Vec<CallTarget> {
    let mut targets = vec![CallTarget::Ambulance, CallTarget::Police, CallTarget::Fire];
    for kind in [
        ContactKind::Child,
        ContactKind::Relative,
        ContactKind::Community,
    ] {
        for (index, contact) in contacts.iter().enumerate() {
            if contact.kind == kind {
                targets.push(CallTarget::Contact {
                    index,
                    contact: kind,
                    name: contact.name.clone(),
                    phone: contact.phone.clone(),
                });
            }
        }
    }
    targets
}

/// What came of a call attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// 已接通
    Connected,
    /// 无人接听
    NoAnswer,
    /// 占线
    Busy,
    /// 号码错误/停机
    WrongNumber,
    /// 未拨出
    Failed,
}

impl CallOutcome {
    pub const ALL: &'static [CallOutcome] = &[
        CallOutcome::Connected,
        CallOutcome::NoAnswer,
        CallOutcome::Busy,
        CallOutcome::WrongNumber,
        CallOutcome::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Connected => "connected",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::Busy => "busy",
            CallOutcome::WrongNumber => "wrong_number",
            CallOutcome::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<CallOutcome> {
        CallOutcome::ALL
            .iter()
            .copied()
            .find(|o| o.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CallOutcome::Connected => "已接通",
            CallOutcome::NoAnswer => "无人接听",
            CallOutcome::Busy => "占线",
            CallOutcome::WrongNumber => "号码错误",
            CallOutcome::Failed => "未拨出",
        }
    }
}

/// One call attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallAttempt {
    /// The number dialled.
    pub number: String,
    /// Who it is (as shown), e.g. `120 急救`, `子女：王小明`.
    pub label: String,
    pub outcome: CallOutcome,
    pub at_ms: i64,
}

/// 应急处置情况记录: required before an emergency can be closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingRecord {
    /// 发生了什么
    pub what_happened: String,
    /// 采取了哪些措施
    pub actions_taken: String,
}

impl ClosingRecord {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, text) in [
            ("what_happened", &self.what_happened),
            ("actions_taken", &self.actions_taken),
        ] {
            if !note_ok(text) {
                errors.push(FieldError::with_code(
                    field,
                    ErrorCode::MissingField,
                    NOTE_MESSAGE,
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyState {
    /// 处置中
    Open,
    /// 已归档
    Closed,
}

impl EmergencyState {
    pub fn as_str(self) -> &'static str {
        match self {
            EmergencyState::Open => "open",
            EmergencyState::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EmergencyEvent {
    LogCall(CallAttempt),
    Close { record: ClosingRecord, at_ms: i64 },
}

impl EmergencyEvent {
    pub fn as_str(&self) -> &'static str {
        match self {
            EmergencyEvent::LogCall(_) => "log_call",
            EmergencyEvent::Close { .. } => "close",
        }
    }
}

/// An emergency (应急处置) started from the elder card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emergency {
    pub id: String,
    pub elder_id: String,
    pub started_by: String,
    pub started_at_ms: i64,
    pub state: EmergencyState,
    #[serde(default)]
    pub calls: Vec<CallAttempt>,
    #[serde(default)]
    pub record: Option<ClosingRecord>,
    #[serde(default)]
    pub closed_at_ms: Option<i64>,
}

impl Emergency {
    pub fn start(
        id: impl Into<String>,
        elder_id: impl Into<String>,
        started_by: impl Into<String>,
        at_ms: i64,
    ) -> Emergency {
        Emergency {
            id: id.into(),
            elder_id: elder_id.into(),
            started_by: started_by.into(),
            started_at_ms: at_ms,
            state: EmergencyState::Open,
            calls: Vec::new(),
            record: None,
            closed_at_ms: None,
        }
    }

    /// The emergency after `event`: calls are logged while open; closing needs a complete
    /// closing record; a closed emergency takes nothing more.
    pub fn apply(&self, event: &EmergencyEvent) -> Result<Emergency, TransitionError> {
        let state = self.state.as_str();
        let name = event.as_str();
        if self.state == EmergencyState::Closed {
            return Err(TransitionError::illegal(state, name));
        }
        let mut next = self.clone();
        match event {
            EmergencyEvent::LogCall(call) => {
                if call.number.trim().is_empty() {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        "number",
                        "不能为空 (required)",
                    ));
                }
                next.calls.push(call.clone());
            }
            EmergencyEvent::Close { record, at_ms } => {
                if let Err(errors) = record.validate() {
                    return Err(TransitionError::bad(
                        state,
                        name,
                        &format!("record.{}", errors[0].field),
                        &errors[0].message,
                    ));
                }
                next.state = EmergencyState::Closed;
                next.record = Some(record.clone());
                next.closed_at_ms = Some(*at_ms);
            }
        }
        Ok(next)
    }
}

// ---------------------------------------------------------------------------------------------
// Smart-device alerts
// ---------------------------------------------------------------------------------------------

/// Smart devices the texts name (智能设备).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// 呼叫器 / 一键呼叫
    CallButton,
    /// 烟感
    SmokeDetector,
    /// 智能水电表
    SmartMeter,
    /// 健康监测
    HealthMonitor,
}

impl DeviceKind {
    pub const ALL: &'static [DeviceKind] = &[
        DeviceKind::CallButton,
        DeviceKind::SmokeDetector,
        DeviceKind::SmartMeter,
        DeviceKind::HealthMonitor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::CallButton => "call_button",
            DeviceKind::SmokeDetector => "smoke_detector",
            DeviceKind::SmartMeter => "smart_meter",
            DeviceKind::HealthMonitor => "health_monitor",
        }
    }

    pub fn parse(text: &str) -> Option<DeviceKind> {
        DeviceKind::ALL.iter().copied().find(|k| k.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DeviceKind::CallButton => "呼叫器",
            DeviceKind::SmokeDetector => "烟感",
            DeviceKind::SmartMeter => "智能水电表",
            DeviceKind::HealthMonitor => "健康监测",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DeviceKind::CallButton => "call button",
            DeviceKind::SmokeDetector => "smoke detector",
            DeviceKind::SmartMeter => "smart water/electricity meter",
            DeviceKind::HealthMonitor => "health monitor",
        }
    }

    /// Whether an alert from this device is urgent (call button, smoke) rather than a warning.
    pub fn is_urgent(self) -> bool {
        matches!(self, DeviceKind::CallButton | DeviceKind::SmokeDetector)
    }
}

/// A device as registered: which elder it is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceBinding {
    pub device_id: String,
    pub elder_id: String,
    pub kind: DeviceKind,
}

/// A message from a device (the webhook body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceMessage {
    pub device_id: String,
    /// Unique per device; a second message with the same id is a duplicate.
    pub message_id: String,
    /// The elder the device claims to report for.
    pub elder_id: String,
    /// What happened (`pressed`, `smoke`, `no_water_24h`, `heart_rate_high`…).
    pub event: String,
    /// An optional reading (e.g. heart rate).
    #[serde(default)]
    pub value: Option<f64>,
    /// When the device sent it, unix milliseconds.
    pub sent_at_ms: i64,
}

/// Messages older or newer than this (relative to the server's clock) are refused as replays.
pub const DEVICE_WINDOW_MS: i64 = 5 * 60 * 1000;

/// What to do with a device message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertDecision {
    /// Raise an alert for the bound elder.
    Raise { urgent: bool, label_zh: String },
    /// Same device and message id seen before: acknowledge, change nothing.
    Duplicate,
    /// The device is not registered.
    UnknownDevice,
    /// The device is bound to another elder.
    NotBound,
    /// Outside the time window (a replay or a wrong clock).
    Stale,
    /// A field is bad (its name).
    Invalid(&'static str),
}

/// Decides what a device message does, given the device's binding, whether the
/// (device, message id) pair was `seen` before, and the server clock `now_ms`.
pub fn decide_device_message(
    message: &DeviceMessage,
    binding: Option<&DeviceBinding>,
    seen: bool,
    now_ms: i64,
) -> AlertDecision {
    let short = |text: &str| (1..=64).contains(&text.chars().count());
    if !short(&message.device_id) {
        return AlertDecision::Invalid("device_id");
    }
    if !short(&message.message_id) {
        return AlertDecision::Invalid("message_id");
    }
    if !short(&message.event) {
        return AlertDecision::Invalid("event");
    }
    if message.value.is_some_and(|v| !v.is_finite()) {
        return AlertDecision::Invalid("value");
    }
    let Some(binding) = binding.filter(|b| b.device_id == message.device_id) else {
        return AlertDecision::UnknownDevice;
    };
    if seen {
        return AlertDecision::Duplicate;
    }
    if (message.sent_at_ms - now_ms).abs() > DEVICE_WINDOW_MS {
        return AlertDecision::Stale;
    }
    if binding.elder_id != message.elder_id {
        return AlertDecision::NotBound;
    }
    AlertDecision::Raise {
        urgent: binding.kind.is_urgent(),
        label_zh: format!("{}报警：{}", binding.kind.label_zh(), message.event),
    }
}

/// An in-memory deduplicator of device messages (the worker keeps the same key in D1).
#[derive(Debug, Clone, Default)]
pub struct AlertDeduper {
    seen: std::collections::BTreeSet<(String, String)>,
}

impl AlertDeduper {
    /// Decides `message` and remembers it when it raised an alert.
    pub fn decide(
        &mut self,
        message: &DeviceMessage,
        bindings: &[DeviceBinding],
        now_ms: i64,
    ) -> AlertDecision {
        let key = (message.device_id.clone(), message.message_id.clone());
        let binding = bindings.iter().find(|b| b.device_id == message.device_id);
        let decision = decide_device_message(message, binding, self.seen.contains(&key), now_ms);
        if matches!(decision, AlertDecision::Raise { .. }) {
            self.seen.insert(key);
        }
        decision
    }
}

// ---------------------------------------------------------------------------------------------
// Family duty
// ---------------------------------------------------------------------------------------------

/// How a family-duty reminder was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyReminderMethod {
    /// 电话提醒
    Phone,
    /// 上门沟通
    InPerson,
    /// 规劝约束 / 调解 by the village or community
    Mediation,
    /// 司法途径
    Legal,
}

/// A reminder given to the children (提醒沟通、规劝约束、司法调解, 济宁 三(三)5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyReminder {
    pub date: NaiveDate,
    pub method: DutyReminderMethod,
    pub note: String,
    pub by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyDutyState {
    Open,
    Reminded,
    Resolved,
}

impl FamilyDutyState {
    pub fn as_str(self) -> &'static str {
        match self {
            FamilyDutyState::Open => "open",
            FamilyDutyState::Reminded => "reminded",
            FamilyDutyState::Resolved => "resolved",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FamilyDutyEvent {
    Remind(DutyReminder),
    Resolve { date: NaiveDate, note: String },
}

impl FamilyDutyEvent {
    pub fn as_str(&self) -> &'static str {
        match self {
            FamilyDutyEvent::Remind(_) => "remind",
            FamilyDutyEvent::Resolve { .. } => "resolve",
        }
    }
}

/// A visit found that the children do not fulfil their duty of support (子女未尽赡养义务).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyDuty {
    pub elder_id: String,
    pub opened_by_visit: String,
    pub opened_on: NaiveDate,
    pub state: FamilyDutyState,
    #[serde(default)]
    pub reminders: Vec<DutyReminder>,
    #[serde(default)]
    pub resolution: String,
}

impl FamilyDuty {
    /// The flag a visit raises, when it records the concern.
    pub fn from_visit(visit: &VisitRecord) -> Option<FamilyDuty> {
        visit.family_duty_concern.then(|| FamilyDuty {
            elder_id: visit.elder_id.clone(),
            opened_by_visit: visit.id.clone(),
            opened_on: visit.date,
            state: FamilyDutyState::Open,
            reminders: Vec::new(),
            resolution: String::new(),
        })
    }

    /// Reminders may be given while not resolved; resolving needs a note.
    pub fn apply(&self, event: &FamilyDutyEvent) -> Result<FamilyDuty, TransitionError> {
        let state = self.state.as_str();
        let name = event.as_str();
        if self.state == FamilyDutyState::Resolved {
            return Err(TransitionError::illegal(state, name));
        }
        let mut next = self.clone();
        match event {
            FamilyDutyEvent::Remind(reminder) => {
                if !note_ok(&reminder.note) {
                    return Err(TransitionError::bad(state, name, "note", NOTE_MESSAGE));
                }
                next.reminders.push(reminder.clone());
                next.state = FamilyDutyState::Reminded;
            }
            FamilyDutyEvent::Resolve { note, .. } => {
                if !note_ok(note) {
                    return Err(TransitionError::bad(state, name, "note", NOTE_MESSAGE));
                }
                next.resolution = note.trim().to_string();
                next.state = FamilyDutyState::Resolved;
            }
        }
        Ok(next)
    }
}

// ---------------------------------------------------------------------------------------------
// Outbound notifications
// ---------------------------------------------------------------------------------------------

/// The delivery state of one outbound message (短信/应用内通知).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    /// Accepted by the channel.
    Sent,
    /// Gave up after the last attempt.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Sent,
            DeliveryState::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Retries: at most `max_attempts`, waiting `base_delay_ms · 2^(attempts−1)` after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 30_000,
        }
    }
}

/// One message's delivery bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub state: DeliveryState,
    pub attempts: u32,
    /// When the next attempt is due (pending only), unix milliseconds.
    pub next_attempt_ms: i64,
    #[serde(default)]
    pub last_error: String,
}

impl Delivery {
    pub fn new(now_ms: i64) -> Delivery {
        Delivery {
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_ms: now_ms,
            last_error: String::new(),
        }
    }

    /// Whether an attempt is due at `now_ms`.
    pub fn is_due(&self, now_ms: i64) -> bool {
        self.state == DeliveryState::Pending && self.next_attempt_ms <= now_ms
    }

    /// The bookkeeping after an attempt at `now_ms` that succeeded (`Ok`) or failed with an
    /// error. `None` when no attempt was due (sent, failed, or not yet time).
    pub fn after_attempt(
        &self,
        result: Result<(), String>,
        now_ms: i64,
        policy: &RetryPolicy,
    ) -> Option<Delivery> {
        if !self.is_due(now_ms) {
            return None;
        }
        let attempts = self.attempts + 1;
        Some(match result {
            Ok(()) => Delivery {
                state: DeliveryState::Sent,
                attempts,
                next_attempt_ms: now_ms,
                last_error: String::new(),
            },
            Err(error) if attempts >= policy.max_attempts => Delivery {
                state: DeliveryState::Failed,
                attempts,
                next_attempt_ms: now_ms,
                last_error: error,
            },
            Err(error) => Delivery {
                state: DeliveryState::Pending,
                attempts,
                next_attempt_ms: now_ms + policy.base_delay_ms * (1i64 << (attempts - 1).min(20)),
                last_error: error,
            },
        })
    }
}
