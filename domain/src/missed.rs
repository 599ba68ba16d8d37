//! Why a requirement was missed: the reason a coordinator records when a period ends with a
//! requirement unmet (the escalation ladder's last step, issue 15).
//!
//! Design decisions:
//! - A closed list (住院, 外出, 拒绝入户, 去世) plus `other`, which needs a few words: the reasons
//!   are counted in reports, so free text alone would not do, and `other` without text would
//!   say nothing.
//! - [`MissedReason::check`] reads the coordinator's input and names the bad field, as every
//!   input check of the domain does; the worker stores what it returns.

use serde::{Deserialize, Serialize};

use crate::elder::FieldError;

/// Why a requirement was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedReason {
    /// 住院
    Hospital,
    /// 外出 (away: visiting children, travelling…)
    Away,
    /// 拒绝入户 (refused at the door)
    Refused,
    /// 去世
    Deceased,
    /// 其他 (with a text)
    Other,
}

/// Longest text a reason may carry.
pub const MAX_TEXT_CHARS: usize = 500;

impl MissedReason {
    pub const ALL: [MissedReason; 5] = [
        MissedReason::Hospital,
        MissedReason::Away,
        MissedReason::Refused,
        MissedReason::Deceased,
        MissedReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MissedReason::Hospital => "hospital",
            MissedReason::Away => "away",
            MissedReason::Refused => "refused",
            MissedReason::Deceased => "deceased",
            MissedReason::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MissedReason::Hospital => "住院",
            MissedReason::Away => "外出",
            MissedReason::Refused => "拒绝入户",
            MissedReason::Deceased => "去世",
            MissedReason::Other => "其他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MissedReason::Hospital => "In hospital",
            MissedReason::Away => "Away",
            MissedReason::Refused => "Refused at the door",
            MissedReason::Deceased => "Deceased",
            MissedReason::Other => "Other",
        }
    }

    pub fn parse(code: &str) -> Option<MissedReason> {
        MissedReason::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// Checks a coordinator's input (`reason` code, `reason_text`): the reason must be one of
    /// the list; `other` needs a text; the text is trimmed and at most [`MAX_TEXT_CHARS`].
    pub fn check(reason: &str, text: &str) -> Result<(MissedReason, String), FieldError> {
        let reason = MissedReason::parse(reason.trim()).ok_or_else(|| {
            FieldError::new(
                "reason",
                "须为 hospital 住院 / away 外出 / refused 拒绝入户 / deceased 去世 / other 其他 (unknown reason)",
            )
        })?;
        let text = text.trim().to_string();
        if reason == MissedReason::Other && text.is_empty() {
            return Err(FieldError::new(
                "reason_text",
                "选择“其他”时请说明原因 (say why when the reason is other)",
            ));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(FieldError::new(
                "reason_text",
                format!("最多 {MAX_TEXT_CHARS} 字 (at most {MAX_TEXT_CHARS} characters)"),
            ));
        }
        Ok((reason, text))
    }

    /// `住院` or `住院（市一院）`: the reason as notices and exports print it.
    pub fn describe_zh(self, text: &str) -> String {
        if text.is_empty() {
            self.label_zh().to_string()
        } else {
            format!("{}（{text}）", self.label_zh())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(reason: &str, text: &str, expected: Result<(&str, &str), &str>) {
        let got = MissedReason::check(reason, text);
        match (got, expected) {
            (Ok((r, t)), Ok((er, et))) => assert_eq!((r.as_str(), t.as_str()), (er, et)),
            (Err(e), Err(field)) => assert_eq!(e.field, field, "{reason:?} {text:?}"),
            (got, expected) => panic!("{reason:?} {text:?}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn reasons_are_checked_naming_the_field() {
        check("hospital", "", Ok(("hospital", "")));
        check("away", " 去女儿家 ", Ok(("away", "去女儿家")));
        check("other", "门卫不让进", Ok(("other", "门卫不让进")));
        check("other", "  ", Err("reason_text"));
        check("sick", "", Err("reason"));
        check("", "x", Err("reason"));
        check(
            "refused",
            &"字".repeat(MAX_TEXT_CHARS + 1),
            Err("reason_text"),
        );
        check(
            "deceased",
            &"字".repeat(MAX_TEXT_CHARS),
            Ok(("deceased", &"字".repeat(MAX_TEXT_CHARS))),
        );
    }

    #[test]
    fn every_reason_round_trips() {
        for reason in MissedReason::ALL {
            assert_eq!(MissedReason::parse(reason.as_str()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
            assert_eq!(reason.describe_zh(""), reason.label_zh());
        }
    }
}
