//! The care loop: hazard, referral, emergency and family-duty state machines (every
//! (state, event) pair), hazards opened and closed by visits, device-message decisions and
//! deduplication, the catalogues and delivery retries — as table tests.

use chrono::NaiveDate;
use expect_test::{expect, Expect};
use tanfang_domain::care::{
    call_order, catalogue, decide_device_message, hazards_after_visit, AlertDeduper, CallAttempt,
    CallOutcome, ClosingRecord, Delivery, DeviceBinding, DeviceKind, DeviceMessage, DutyReminder,
    DutyReminderMethod, Emergency, EmergencyEvent, FamilyDuty, FamilyDutyEvent, Hazard,
    HazardChange, HazardCheck, HazardDeadlines, HazardEvent, HazardState, NeedCategory, Referral,
    ReferralEvent, ReferralState, Reminder, ReminderTarget, RetryPolicy, ServiceDelivery,
    DEVICE_WINDOW_MS,
};
use tanfang_domain::elder::{ContactKind, EmergencyContact};
use tanfang_domain::policy::VisitMode;
use tanfang_domain::visit::{Safety, SafetyItem, VisitRecord};

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn visit(id: &str, date: &str, gas: Safety) -> VisitRecord {
    let mut visit = VisitRecord::new(id, "e-1", "u-1", d(date), VisitMode::Home);
    visit.gas_safety = gas;
    visit
}

fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

// ---------------------------------------------------------------------------------------------
// Hazards
// ---------------------------------------------------------------------------------------------

fn hazard_in(state: HazardState) -> Hazard {
    let mut hazard = Hazard::open(
        &visit("v-open-0001", "2025-03-02", Safety::Unsafe),
        SafetyItem::Gas,
        Safety::Unsafe,
        false,
        &HazardDeadlines::default(),
    );
    match state {
        HazardState::Open => {}
        HazardState::Reminded => {
            hazard = hazard
                .apply(&HazardEvent::Remind(Reminder {
                    date: d("2025-03-02"),
                    to: ReminderTarget::Supporter,
                    note: String::new(),
                    by: "u-1".into(),
                }))
                .unwrap()
        }
        HazardState::Closed => {
            hazard = hazard
                .apply(&HazardEvent::CoordinatorClose {
                    user_id: "c-1".into(),
                    date: d("2025-03-03"),
                    note: "燃气公司已更换软管".into(),
                })
                .unwrap()
        }
    }
    assert_eq!(hazard.state, state);
    hazard
}

fn hazard_events() -> Vec<(&'static str, HazardEvent)> {
    let recheck = |id: &str, date: &str, level| {
        HazardEvent::Recheck(HazardCheck {
            visit_id: id.into(),
            date: d(date),
            level,
        })
    };
    let close = |date: &str, note: &str| HazardEvent::CoordinatorClose {
        user_id: "c-1".into(),
        date: d(date),
        note: note.into(),
    };
    vec![
        (
            "remind",
            HazardEvent::Remind(Reminder {
                date: d("2025-03-04"),
                to: ReminderTarget::Elder,
                note: "已提醒关闭燃气总阀".into(),
                by: "u-1".into(),
            }),
        ),
        (
            "remind before found",
            HazardEvent::Remind(Reminder {
                date: d("2025-03-01"),
                to: ReminderTarget::Elder,
                note: String::new(),
                by: "u-1".into(),
            }),
        ),
        (
            "recheck unsafe",
            recheck("v-next-0002", "2025-03-09", Safety::Unsafe),
        ),
        (
            "recheck fairly safe",
            recheck("v-next-0002", "2025-03-09", Safety::FairlySafe),
        ),
        (
            "recheck safe",
            recheck("v-next-0002", "2025-03-09", Safety::Safe),
        ),
        (
            "recheck by the opening visit",
            recheck("v-open-0001", "2025-03-02", Safety::Safe),
        ),
        (
            "recheck dated before",
            recheck("v-next-0002", "2025-03-01", Safety::Safe),
        ),
        ("coordinator close", close("2025-03-05", "已更换燃气软管")),
        ("coordinator close, blank note", close("2025-03-05", "  ")),
        ("coordinator close, dated before", close("2025-03-01", "x")),
    ]
}

#[test]
fn hazard_every_transition() {
    let mut actual = String::new();
    for &state in HazardState::ALL {
        for (name, event) in hazard_events() {
            let result = match hazard_in(state).apply(&event) {
                Ok(next) => format!(
                    "{} level={} closure={}",
                    next.state.as_str(),
                    next.level.as_str(),
                    serde_json::to_string(&next.closure).unwrap()
                ),
                Err(error) => format!(
                    "refused field={} {}",
                    error.field.as_deref().unwrap_or("-"),
                    error.message
                ),
            };
            actual.push_str(&format!("{:<8} + {name:<32} → {result}\n", state.as_str()));
        }
    }
    check(
        actual,
        expect![[r#"
        open     + remind                           → reminded level=unsafe closure=null
        open     + remind before found              → refused field=date 提醒日期早于发现日期 (before the hazard was found)
        open     + recheck unsafe                   → open level=unsafe closure=null
        open     + recheck fairly safe              → open level=fairly_safe closure=null
        open     + recheck safe                     → closed level=safe closure={"by":"visit","visit_id":"v-next-0002","date":"2025-03-09"}
        open     + recheck by the opening visit     → refused field=visit_id 同一次探访不能复查两次 (this visit already counted)
        open     + recheck dated before             → refused field=date 复查日期早于发现日期 (before the hazard was found)
        open     + coordinator close                → closed level=unsafe closure={"by":"coordinator","user_id":"c-1","date":"2025-03-05","note":"已更换燃气软管"}
        open     + coordinator close, blank note    → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        open     + coordinator close, dated before  → refused field=date 关闭日期早于发现日期 (before the hazard was found)
        reminded + remind                           → reminded level=unsafe closure=null
        reminded + remind before found              → refused field=date 提醒日期早于发现日期 (before the hazard was found)
        reminded + recheck unsafe                   → reminded level=unsafe closure=null
        reminded + recheck fairly safe              → reminded level=fairly_safe closure=null
        reminded + recheck safe                     → closed level=safe closure={"by":"visit","visit_id":"v-next-0002","date":"2025-03-09"}
        reminded + recheck by the opening visit     → refused field=visit_id 同一次探访不能复查两次 (this visit already counted)
        reminded + recheck dated before             → refused field=date 复查日期早于发现日期 (before the hazard was found)
        reminded + coordinator close                → closed level=unsafe closure={"by":"coordinator","user_id":"c-1","date":"2025-03-05","note":"已更换燃气软管"}
        reminded + coordinator close, blank note    → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        reminded + coordinator close, dated before  → refused field=date 关闭日期早于发现日期 (before the hazard was found)
        closed   + remind                           → refused field=- 当前状态“closed”不能执行“remind” (not allowed in this state)
        closed   + remind before found              → refused field=- 当前状态“closed”不能执行“remind” (not allowed in this state)
        closed   + recheck unsafe                   → refused field=- 当前状态“closed”不能执行“recheck” (not allowed in this state)
        closed   + recheck fairly safe              → refused field=- 当前状态“closed”不能执行“recheck” (not allowed in this state)
        closed   + recheck safe                     → refused field=- 当前状态“closed”不能执行“recheck” (not allowed in this state)
        closed   + recheck by the opening visit     → refused field=- 当前状态“closed”不能执行“recheck” (not allowed in this state)
        closed   + recheck dated before             → refused field=- 当前状态“closed”不能执行“recheck” (not allowed in this state)
        closed   + coordinator close                → refused field=- 当前状态“closed”不能执行“coordinator_close” (not allowed in this state)
        closed   + coordinator close, blank note    → refused field=- 当前状态“closed”不能执行“coordinator_close” (not allowed in this state)
        closed   + coordinator close, dated before  → refused field=- 当前状态“closed”不能执行“coordinator_close” (not allowed in this state)
    "#]],
    );
}

#[test]
fn hazard_due_dates_and_overdue() {
    let deadlines = HazardDeadlines::default();
    let hazard = hazard_in(HazardState::Open);
    let repeated = Hazard::open(
        &visit("v-open-0003", "2025-03-02", Safety::FairlySafe),
        SafetyItem::Fire,
        Safety::FairlySafe,
        true,
        &deadlines,
    );
    let mut actual = String::new();
    for h in [&hazard, &repeated, &hazard_in(HazardState::Closed)] {
        for today in ["2025-03-09", "2025-03-10", "2025-04-02"] {
            actual.push_str(&format!(
                "{} {} due {} on {today}: overdue={}\n",
                h.id,
                h.state.as_str(),
                h.due,
                h.is_overdue(d(today))
            ));
        }
    }
    check(
        actual,
        expect![[r#"
        v-open-0001:gas open due 2025-03-09 on 2025-03-09: overdue=false
        v-open-0001:gas open due 2025-03-09 on 2025-03-10: overdue=true
        v-open-0001:gas open due 2025-03-09 on 2025-04-02: overdue=true
        v-open-0003:fire open due 2025-04-01 on 2025-03-09: overdue=false
        v-open-0003:fire open due 2025-04-01 on 2025-03-10: overdue=false
        v-open-0003:fire open due 2025-04-01 on 2025-04-02: overdue=true
        v-open-0001:gas closed due 2025-03-09 on 2025-03-09: overdue=false
        v-open-0001:gas closed due 2025-03-09 on 2025-03-10: overdue=false
        v-open-0001:gas closed due 2025-03-09 on 2025-04-02: overdue=false
    "#]],
    );
}

fn describe(changes: &[HazardChange]) -> String {
    changes
        .iter()
        .map(|change| match change {
            HazardChange::Opened(h) => format!(
                "opened {} {} repeated={} due {}",
                h.id,
                h.level.as_str(),
                h.repeated,
                h.due
            ),
            HazardChange::Rechecked(h) => {
                format!(
                    "rechecked {} → {} {}",
                    h.id,
                    h.state.as_str(),
                    h.level.as_str()
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn hazards_follow_the_visits() {
    let deadlines = HazardDeadlines::default();
    let first = visit("v-1-aaaaaaaa", "2025-03-02", Safety::Unsafe);
    let mut fairly = visit("v-0-aaaaaaaa", "2025-02-01", Safety::Safe);
    fairly.fire_safety = Safety::FairlySafe;
    let mut first_with_fire = first.clone();
    first_with_fire.fire_safety = Safety::FairlySafe;

    let mut actual = String::new();
    let mut step = |label: &str, changes: Vec<HazardChange>| {
        actual.push_str(&format!("{label}: {}\n", describe(&changes)));
        changes
    };
    // An unsafe gas item opens a hazard; 较安全 fire twice running opens another.
    let opened = step(
        "unsafe gas, fire 较安全 twice",
        hazards_after_visit(&first_with_fire, Some(&fairly), &[], &deadlines),
    );
    let open: Vec<Hazard> = opened
        .into_iter()
        .map(|c| match c {
            HazardChange::Opened(h) | HazardChange::Rechecked(h) => h,
        })
        .collect();
    // The same visit again changes nothing.
    step(
        "same visit again",
        hazards_after_visit(&first_with_fire, Some(&fairly), &open, &deadlines),
    );
    // A follow-up still unsafe keeps it open; 较安全 fire once more re-checks, does not reopen.
    let mut second = visit("v-2-aaaaaaaa", "2025-03-09", Safety::Unsafe);
    second.fire_safety = Safety::FairlySafe;
    step(
        "follow-up still unsafe",
        hazards_after_visit(&second, Some(&first_with_fire), &open, &deadlines),
    );
    // A phone call (safety items left at 安全) re-checks nothing.
    let mut call = visit("v-p-aaaaaaaa", "2025-03-12", Safety::Safe);
    call.mode = VisitMode::Phone;
    step(
        "phone visit",
        hazards_after_visit(&call, Some(&second), &open, &deadlines),
    );
    // A follow-up that finds both safe closes both.
    let third = visit("v-3-aaaaaaaa", "2025-03-16", Safety::Safe);
    step(
        "follow-up finds safe",
        hazards_after_visit(&third, Some(&second), &open, &deadlines),
    );
    // A single 较安全 opens nothing; a safe visit with nothing open does nothing.
    step(
        "one 较安全",
        hazards_after_visit(
            &visit("v-4-aaaaaaaa", "2025-03-16", Safety::FairlySafe),
            None,
            &[],
            &deadlines,
        ),
    );
    check(
        actual,
        expect![[r#"
            unsafe gas, fire 较安全 twice: opened v-1-aaaaaaaa:gas unsafe repeated=false due 2025-03-09; opened v-1-aaaaaaaa:fire fairly_safe repeated=true due 2025-04-01
            same visit again: 
            follow-up still unsafe: rechecked v-1-aaaaaaaa:gas → open unsafe; rechecked v-1-aaaaaaaa:fire → open fairly_safe
            phone visit: 
            follow-up finds safe: rechecked v-1-aaaaaaaa:gas → closed safe; rechecked v-1-aaaaaaaa:fire → closed safe
            one 较安全: 
        "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Referrals
// ---------------------------------------------------------------------------------------------

fn referral_in(state: ReferralState) -> Referral {
    let referral = Referral::open(
        "r-1",
        "e-1",
        NeedCategory::HomeAdaptation,
        "卫生间加装扶手",
        Some("v-1".into()),
        d("2025-03-02"),
    );
    let path: &[ReferralEvent] = match state {
        ReferralState::Open => &[],
        ReferralState::Referred => &[refer()],
        ReferralState::Accepted => &[refer(), accept()],
        ReferralState::Done => &[refer(), accept(), complete("已安装")],
        ReferralState::Declined => &[decline("老人不需要了")],
    };
    let referral = path
        .iter()
        .fold(referral, |r, event| r.apply(event).unwrap());
    assert_eq!(referral.state, state);
    referral
}

fn refer() -> ReferralEvent {
    ReferralEvent::Refer {
        provider_id: "p-1".into(),
        date: d("2025-03-03"),
        deadline: d("2025-03-20"),
    }
}
fn accept() -> ReferralEvent {
    ReferralEvent::Accept {
        date: d("2025-03-04"),
    }
}
fn complete(note: &str) -> ReferralEvent {
    ReferralEvent::Complete {
        date: d("2025-03-10"),
        note: note.into(),
    }
}
fn decline(reason: &str) -> ReferralEvent {
    ReferralEvent::Decline {
        date: d("2025-03-10"),
        reason: reason.into(),
    }
}

#[test]
fn referral_every_transition() {
    let events: Vec<(&str, ReferralEvent)> = vec![
        ("refer", refer()),
        (
            "refer, no provider",
            ReferralEvent::Refer {
                provider_id: " ".into(),
                date: d("2025-03-11"),
                deadline: d("2025-03-20"),
            },
        ),
        (
            "refer, deadline before",
            ReferralEvent::Refer {
                provider_id: "p-1".into(),
                date: d("2025-03-11"),
                deadline: d("2025-03-10"),
            },
        ),
        ("accept", accept()),
        ("complete", complete("已上门安装扶手")),
        ("complete, blank note", complete("")),
        ("decline", decline("机构无法承接")),
        ("decline, blank reason", decline(" ")),
        (
            "accept, dated before",
            ReferralEvent::Accept {
                date: d("2025-03-01"),
            },
        ),
    ];
    let mut actual = String::new();
    for &state in ReferralState::ALL {
        for (name, event) in &events {
            let result = match referral_in(state).apply(event) {
                Ok(next) => format!(
                    "{} provider={} deadline={} outcome={}",
                    next.state.as_str(),
                    next.provider_id.as_deref().unwrap_or("-"),
                    next.deadline,
                    next.outcome
                ),
                Err(error) => format!(
                    "refused field={} {}",
                    error.field.as_deref().unwrap_or("-"),
                    error.message
                ),
            };
            actual.push_str(&format!("{:<8} + {name:<22} → {result}\n", state.as_str()));
        }
    }
    check(
        actual,
        expect![[r#"
        open     + refer                  → referred provider=p-1 deadline=2025-03-20 outcome=
        open     + refer, no provider     → refused field=provider_id 须选择服务机构 (choose a provider)
        open     + refer, deadline before → refused field=deadline 期限早于转介日期 (deadline before the referral)
        open     + accept                 → refused field=- 当前状态“open”不能执行“accept” (not allowed in this state)
        open     + complete               → refused field=- 当前状态“open”不能执行“complete” (not allowed in this state)
        open     + complete, blank note   → refused field=- 当前状态“open”不能执行“complete” (not allowed in this state)
        open     + decline                → declined provider=- deadline=2025-03-09 outcome=机构无法承接
        open     + decline, blank reason  → refused field=reason 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        open     + accept, dated before   → refused field=- 当前状态“open”不能执行“accept” (not allowed in this state)
        referred + refer                  → refused field=- 当前状态“referred”不能执行“refer” (not allowed in this state)
        referred + refer, no provider     → refused field=- 当前状态“referred”不能执行“refer” (not allowed in this state)
        referred + refer, deadline before → refused field=- 当前状态“referred”不能执行“refer” (not allowed in this state)
        referred + accept                 → accepted provider=p-1 deadline=2025-03-20 outcome=
        referred + complete               → refused field=- 当前状态“referred”不能执行“complete” (not allowed in this state)
        referred + complete, blank note   → refused field=- 当前状态“referred”不能执行“complete” (not allowed in this state)
        referred + decline                → declined provider=p-1 deadline=2025-03-20 outcome=机构无法承接
        referred + decline, blank reason  → refused field=reason 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        referred + accept, dated before   → refused field=date 日期早于上一步 (before the previous step)
        accepted + refer                  → refused field=- 当前状态“accepted”不能执行“refer” (not allowed in this state)
        accepted + refer, no provider     → refused field=- 当前状态“accepted”不能执行“refer” (not allowed in this state)
        accepted + refer, deadline before → refused field=- 当前状态“accepted”不能执行“refer” (not allowed in this state)
        accepted + accept                 → refused field=- 当前状态“accepted”不能执行“accept” (not allowed in this state)
        accepted + complete               → done provider=p-1 deadline=2025-03-20 outcome=已上门安装扶手
        accepted + complete, blank note   → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        accepted + decline                → declined provider=p-1 deadline=2025-03-20 outcome=机构无法承接
        accepted + decline, blank reason  → refused field=reason 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        accepted + accept, dated before   → refused field=- 当前状态“accepted”不能执行“accept” (not allowed in this state)
        done     + refer                  → refused field=- 当前状态“done”不能执行“refer” (not allowed in this state)
        done     + refer, no provider     → refused field=- 当前状态“done”不能执行“refer” (not allowed in this state)
        done     + refer, deadline before → refused field=- 当前状态“done”不能执行“refer” (not allowed in this state)
        done     + accept                 → refused field=- 当前状态“done”不能执行“accept” (not allowed in this state)
        done     + complete               → refused field=- 当前状态“done”不能执行“complete” (not allowed in this state)
        done     + complete, blank note   → refused field=- 当前状态“done”不能执行“complete” (not allowed in this state)
        done     + decline                → refused field=- 当前状态“done”不能执行“decline” (not allowed in this state)
        done     + decline, blank reason  → refused field=- 当前状态“done”不能执行“decline” (not allowed in this state)
        done     + accept, dated before   → refused field=- 当前状态“done”不能执行“accept” (not allowed in this state)
        declined + refer                  → refused field=- 当前状态“declined”不能执行“refer” (not allowed in this state)
        declined + refer, no provider     → refused field=- 当前状态“declined”不能执行“refer” (not allowed in this state)
        declined + refer, deadline before → refused field=- 当前状态“declined”不能执行“refer” (not allowed in this state)
        declined + accept                 → refused field=- 当前状态“declined”不能执行“accept” (not allowed in this state)
        declined + complete               → refused field=- 当前状态“declined”不能执行“complete” (not allowed in this state)
        declined + complete, blank note   → refused field=- 当前状态“declined”不能执行“complete” (not allowed in this state)
        declined + decline                → refused field=- 当前状态“declined”不能执行“decline” (not allowed in this state)
        declined + decline, blank reason  → refused field=- 当前状态“declined”不能执行“decline” (not allowed in this state)
        declined + accept, dated before   → refused field=- 当前状态“declined”不能执行“accept” (not allowed in this state)
    "#]],
    );
}

#[test]
fn referral_overdue_is_a_function_of_the_date() {
    let mut actual = String::new();
    for &state in ReferralState::ALL {
        let referral = referral_in(state);
        let days: Vec<String> = ["2025-03-09", "2025-03-10", "2025-03-20", "2025-03-21"]
            .iter()
            .map(|today| format!("{today}:{}", referral.is_overdue(d(today))))
            .collect();
        actual.push_str(&format!(
            "{:<8} deadline {} {}\n",
            state.as_str(),
            referral.deadline,
            days.join(" ")
        ));
    }
    check(
        actual,
        expect![[r#"
        open     deadline 2025-03-09 2025-03-09:false 2025-03-10:true 2025-03-20:true 2025-03-21:true
        referred deadline 2025-03-20 2025-03-09:false 2025-03-10:false 2025-03-20:false 2025-03-21:true
        accepted deadline 2025-03-20 2025-03-09:false 2025-03-10:false 2025-03-20:false 2025-03-21:true
        done     deadline 2025-03-20 2025-03-09:false 2025-03-10:false 2025-03-20:false 2025-03-21:false
        declined deadline 2025-03-09 2025-03-09:false 2025-03-10:false 2025-03-20:false 2025-03-21:false
    "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Emergencies
// ---------------------------------------------------------------------------------------------

#[test]
fn emergency_calls_in_order_and_closing_needs_a_record() {
    let contacts = vec![
        EmergencyContact {
            kind: ContactKind::Community,
            name: "李主任".into(),
            relation: "社区主任".into(),
            phone: "13800000003".into(),
        },
        EmergencyContact {
            kind: ContactKind::Relative,
            name: "王侄女".into(),
            relation: "侄女".into(),
            phone: "13800000002".into(),
        },
        EmergencyContact {
            kind: ContactKind::Child,
            name: "王小明".into(),
            relation: "儿子".into(),
            phone: "13800000001".into(),
        },
    ];
    let mut actual = String::new();
    for target in call_order(&contacts) {
        actual.push_str(&format!("tel:{} {}\n", target.number(), target.label_zh()));
    }
    let call = |outcome| {
        EmergencyEvent::LogCall(CallAttempt {
            number: "120".into(),
            label: "120 急救".into(),
            outcome,
            at_ms: 1_000,
        })
    };
    let close = |what: &str, actions: &str| EmergencyEvent::Close {
        record: ClosingRecord {
            what_happened: what.into(),
            actions_taken: actions.into(),
        },
        at_ms: 2_000,
    };
    let open = Emergency::start("em-1", "e-1", "u-1", 0);
    let closed = open.apply(&close("老人摔倒", "送医")).unwrap();
    let events = [
        ("log call connected", call(CallOutcome::Connected)),
        ("log call no answer", call(CallOutcome::NoAnswer)),
        (
            "log call, no number",
            EmergencyEvent::LogCall(CallAttempt {
                number: " ".into(),
                label: String::new(),
                outcome: CallOutcome::Failed,
                at_ms: 1,
            }),
        ),
        (
            "close with record",
            close("老人在家中摔倒", "拨打120送医，通知儿子"),
        ),
        ("close, nothing happened", close("", "拨打120")),
        ("close, no actions", close("老人摔倒", " ")),
    ];
    for (label, emergency) in [("open", &open), ("closed", &closed)] {
        for (name, event) in &events {
            let result = match emergency.apply(event) {
                Ok(next) => format!(
                    "{} calls={} closed_at={:?}",
                    next.state.as_str(),
                    next.calls.len(),
                    next.closed_at_ms
                ),
                Err(error) => format!(
                    "refused field={} {}",
                    error.field.as_deref().unwrap_or("-"),
                    error.message
                ),
            };
            actual.push_str(&format!("{label:<6} + {name:<24} → {result}\n"));
        }
    }
    check(
        actual,
        expect![[r#"
        tel:120 120 急救
        tel:110 110 报警
        tel:119 119 火警
        tel:13800000001 子女：王小明
        tel:13800000002 近亲属：王侄女
        tel:13800000003 社区（村）：李主任
        open   + log call connected       → open calls=1 closed_at=None
        open   + log call no answer       → open calls=1 closed_at=None
        open   + log call, no number      → refused field=number 不能为空 (required)
        open   + close with record        → closed calls=0 closed_at=Some(2000)
        open   + close, nothing happened  → refused field=record.what_happened 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        open   + close, no actions        → refused field=record.actions_taken 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        closed + log call connected       → refused field=- 当前状态“closed”不能执行“log_call” (not allowed in this state)
        closed + log call no answer       → refused field=- 当前状态“closed”不能执行“log_call” (not allowed in this state)
        closed + log call, no number      → refused field=- 当前状态“closed”不能执行“log_call” (not allowed in this state)
        closed + close with record        → refused field=- 当前状态“closed”不能执行“close” (not allowed in this state)
        closed + close, nothing happened  → refused field=- 当前状态“closed”不能执行“close” (not allowed in this state)
        closed + close, no actions        → refused field=- 当前状态“closed”不能执行“close” (not allowed in this state)
    "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Family duty
// ---------------------------------------------------------------------------------------------

#[test]
fn family_duty_every_transition() {
    let mut visit = visit("v-1-aaaaaaaa", "2025-03-02", Safety::Safe);
    assert!(FamilyDuty::from_visit(&visit).is_none());
    visit.family_duty_concern = true;
    let open = FamilyDuty::from_visit(&visit).unwrap();
    let remind = |note: &str| {
        FamilyDutyEvent::Remind(DutyReminder {
            date: d("2025-03-05"),
            method: DutyReminderMethod::Phone,
            note: note.into(),
            by: "c-1".into(),
        })
    };
    let resolve = |note: &str| FamilyDutyEvent::Resolve {
        date: d("2025-03-20"),
        note: note.into(),
    };
    let reminded = open.apply(&remind("电话提醒儿子每周探望")).unwrap();
    let resolved = reminded.apply(&resolve("儿子已每周回家")).unwrap();
    let mut actual = String::new();
    for (label, duty) in [
        ("open", &open),
        ("reminded", &reminded),
        ("resolved", &resolved),
    ] {
        for (name, event) in [
            ("remind", remind("上门沟通")),
            ("remind, blank", remind("")),
            ("resolve", resolve("已履行")),
            ("resolve, blank", resolve(" ")),
        ] {
            let result = match duty.apply(&event) {
                Ok(next) => format!("{} reminders={}", next.state.as_str(), next.reminders.len()),
                Err(error) => format!(
                    "refused field={} {}",
                    error.field.as_deref().unwrap_or("-"),
                    error.message
                ),
            };
            actual.push_str(&format!("{label:<8} + {name:<15} → {result}\n"));
        }
    }
    check(
        actual,
        expect![[r#"
        open     + remind          → reminded reminders=1
        open     + remind, blank   → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        open     + resolve         → resolved reminders=0
        open     + resolve, blank  → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        reminded + remind          → reminded reminders=2
        reminded + remind, blank   → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        reminded + resolve         → resolved reminders=1
        reminded + resolve, blank  → refused field=note 须填写说明，不超过 2000 字 (a note of 1–2000 characters is required)
        resolved + remind          → refused field=- 当前状态“resolved”不能执行“remind” (not allowed in this state)
        resolved + remind, blank   → refused field=- 当前状态“resolved”不能执行“remind” (not allowed in this state)
        resolved + resolve         → refused field=- 当前状态“resolved”不能执行“resolve” (not allowed in this state)
        resolved + resolve, blank  → refused field=- 当前状态“resolved”不能执行“resolve” (not allowed in this state)
    "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Device alerts
// ---------------------------------------------------------------------------------------------

fn message(device: &str, id: &str, elder: &str, sent_at_ms: i64) -> DeviceMessage {
    DeviceMessage {
        device_id: device.into(),
        message_id: id.into(),
        elder_id: elder.into(),
        event: "pressed".into(),
        value: None,
        sent_at_ms,
    }
}

#[test]
fn device_messages_are_deduplicated_and_bound() {
    let now = 1_700_000_000_000;
    let bindings = vec![
        DeviceBinding {
            device_id: "btn-1".into(),
            elder_id: "e-1".into(),
            kind: DeviceKind::CallButton,
        },
        DeviceBinding {
            device_id: "meter-1".into(),
            elder_id: "e-2".into(),
            kind: DeviceKind::SmartMeter,
        },
    ];
    let mut deduper = AlertDeduper::default();
    let cases = [
        ("first press", message("btn-1", "m-1", "e-1", now)),
        ("same message again", message("btn-1", "m-1", "e-1", now)),
        (
            "same id, other device",
            message("meter-1", "m-1", "e-2", now),
        ),
        ("new message", message("btn-1", "m-2", "e-1", now - 1000)),
        ("for another elder", message("btn-1", "m-3", "e-2", now)),
        ("unknown device", message("btn-9", "m-1", "e-1", now)),
        (
            "replayed, too old",
            message("btn-1", "m-4", "e-1", now - DEVICE_WINDOW_MS - 1),
        ),
        (
            "edge of window",
            message("btn-1", "m-5", "e-1", now + DEVICE_WINDOW_MS),
        ),
        ("empty message id", message("btn-1", "", "e-1", now)),
        (
            "refused earlier, now fine",
            message("btn-1", "m-3", "e-1", now),
        ),
    ];
    let mut actual = String::new();
    for (name, msg) in &cases {
        let decision = deduper.decide(msg, &bindings, now);
        actual.push_str(&format!(
            "{name:<26} → {}\n",
            serde_json::to_string(&decision).unwrap()
        ));
    }
    let nan = DeviceMessage {
        value: Some(f64::NAN),
        ..message("btn-1", "m-9", "e-1", now)
    };
    actual.push_str(&format!(
        "{:<26} → {:?}\n",
        "NaN value",
        decide_device_message(&nan, Some(&bindings[0]), false, now)
    ));
    check(
        actual,
        expect![[r#"
        first press                → {"raise":{"urgent":true,"label_zh":"呼叫器报警：pressed"}}
        same message again         → "duplicate"
        same id, other device      → {"raise":{"urgent":false,"label_zh":"智能水电表报警：pressed"}}
        new message                → {"raise":{"urgent":true,"label_zh":"呼叫器报警：pressed"}}
        for another elder          → "not_bound"
        unknown device             → "unknown_device"
        replayed, too old          → "stale"
        edge of window             → {"raise":{"urgent":true,"label_zh":"呼叫器报警：pressed"}}
        empty message id           → {"invalid":"message_id"}
        refused earlier, now fine  → {"raise":{"urgent":true,"label_zh":"呼叫器报警：pressed"}}
        NaN value                  → Invalid("value")
    "#]],
    );
}

// ---------------------------------------------------------------------------------------------
// Catalogues, deliveries, retries
// ---------------------------------------------------------------------------------------------

#[test]
fn catalogues_hold_the_texts_counts() {
    let mut actual = String::new();
    for source in [
        catalogue::Source::Pingli,
        catalogue::Source::Tianjin,
        catalogue::Source::Jining,
    ] {
        let entries: Vec<_> = catalogue::of(source).collect();
        let mut groups: Vec<&str> = entries.iter().map(|e| e.group_zh).collect();
        groups.dedup();
        actual.push_str(&format!(
            "{source:?}: {} entries, groups {}\n",
            entries.len(),
            groups.join("/")
        ));
    }
    let delivery = |code: &str, minutes| ServiceDelivery {
        elder_id: "e-1".into(),
        service_code: code.into(),
        by: "u-1".into(),
        date: d("2025-03-02"),
        duration_minutes: minutes,
        satisfaction: None,
        note: String::new(),
    };
    for (code, minutes) in [("pingli-07", 30), ("pingli-17", 30), ("jining-5", 0)] {
        let result = match delivery(code, minutes).validate() {
            Ok(()) => "ok".to_string(),
            Err(errors) => errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.code.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        };
        actual.push_str(&format!("delivery {code} {minutes} min: {result}\n"));
    }
    check(
        actual,
        expect![[r#"
        Pingli: 16 entries, groups 环境卫生/生活服务/医疗服务/安全防范/宣传法律
        Tianjin: 4 entries, groups 关爱类
        Jining: 8 entries, groups 服务内容
        delivery pingli-07 30 min: ok
        delivery pingli-17 30 min: service_code bad_value
        delivery jining-5 0 min: duration_minutes bad_value
    "#]],
    );
}

#[test]
fn delivery_retries_with_back_off_then_fails() {
    let policy = RetryPolicy {
        max_attempts: 3,
        base_delay_ms: 1000,
    };
    let mut delivery = Delivery::new(0);
    let mut actual = String::new();
    let mut now = 0;
    for (at, result) in [
        (0, Err("timeout")),
        (500, Err("not due yet")),
        (1000, Err("503")),
        (3000, Err("503")),
        (9000, Ok(())),
    ] {
        now = now.max(at);
        match delivery.after_attempt(result.map_err(String::from), now, &policy) {
            Some(next) => {
                actual.push_str(&format!(
                    "t={now}: {} attempts={} next={} error={}\n",
                    next.state.as_str(),
                    next.attempts,
                    next.next_attempt_ms,
                    next.last_error
                ));
                delivery = next;
            }
            None => actual.push_str(&format!("t={now}: no attempt due\n")),
        }
    }
    let sent = Delivery::new(0).after_attempt(Ok(()), 0, &policy).unwrap();
    actual.push_str(&format!(
        "sent then again: {:?}\n",
        sent.after_attempt(Ok(()), 10, &policy)
    ));
    check(
        actual,
        expect![[r#"
        t=0: pending attempts=1 next=1000 error=timeout
        t=500: no attempt due
        t=1000: pending attempts=2 next=3000 error=503
        t=3000: failed attempts=3 next=3000 error=503
        t=9000: no attempt due
        sent then again: None
    "#]],
    );
}

/// The wire names the forms send are the serde names, and every value parses back.
#[test]
fn advice_and_device_wire_names_match_serde() {
    use tanfang_domain::care::{AdviceOutcome, Benefit, DeviceKind};
    for benefit in Benefit::ALL {
        let json = serde_json::to_string(benefit).unwrap();
        assert_eq!(json, format!("\"{}\"", benefit.as_str()));
        assert_eq!(Benefit::parse(benefit.as_str()), Some(*benefit));
        assert!(!benefit.label_zh().is_empty() && !benefit.label_en().is_empty());
    }
    for outcome in AdviceOutcome::ALL {
        let json = serde_json::to_string(outcome).unwrap();
        assert_eq!(json, format!("\"{}\"", outcome.as_str()));
        assert_eq!(AdviceOutcome::parse(outcome.as_str()), Some(*outcome));
        assert!(!outcome.label_zh().is_empty() && !outcome.label_en().is_empty());
    }
    for kind in DeviceKind::ALL {
        let json = serde_json::to_string(kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert!(!kind.label_en().is_empty());
    }
    assert_eq!(Benefit::ALL.len(), 9);
    assert_eq!(AdviceOutcome::ALL.len(), 4);
    assert_eq!(Benefit::parse("toaster"), None);
}
