//! Sign-in by SMS code (短信验证码登录): the rules, with time passed in.
//!
//! Design decisions:
//! - A code is 6 ASCII digits drawn uniformly from random bytes the caller supplies (the worker
//!   uses WebCrypto); only its hash is stored. It lives [`CODE_TTL_MS`] (5 minutes), is used at
//!   most once, and [`MAX_WRONG_ATTEMPTS`] wrong guesses lock it for good.
//! - Sending is limited per mobile number (one code per [`RESEND_INTERVAL_MS`], at most
//!   [`MAX_CODES_PER_DAY`] in a rolling [`DAY_MS`]) and per client address
//!   ([`MAX_REQUESTS_PER_IP`] per [`IP_WINDOW_MS`]; [`MAX_FAILURES_PER_IP`] wrong codes per
//!   [`IP_WINDOW_MS`]). The limits count codes sent to a *number*, never to an account, so the
//!   answer to "send me a code" is the same whether or not the number has an account.
//! - Every decision is a pure function of stored facts and `now_ms`, so the worker only stores
//!   and enforces, and the tests can age the stored times instead of waiting.

use crate::phone::{Phone, PhoneError};

/// A code is valid this long after it was sent.
pub const CODE_TTL_MS: i64 = 5 * 60 * 1000;
/// At most one code per number in this interval.
pub const RESEND_INTERVAL_MS: i64 = 60 * 1000;
/// The rolling "day" for [`MAX_CODES_PER_DAY`].
pub const DAY_MS: i64 = 24 * 3600 * 1000;
/// At most this many codes per number per rolling day.
pub const MAX_CODES_PER_DAY: usize = 10;
/// This many wrong guesses lock a code.
pub const MAX_WRONG_ATTEMPTS: u32 = 5;
/// The window of the per-address limits.
pub const IP_WINDOW_MS: i64 = 60 * 60 * 1000;
/// Code requests one client address may make per [`IP_WINDOW_MS`] (any numbers).
pub const MAX_REQUESTS_PER_IP: usize = 20;
/// Wrong codes one client address may send per [`IP_WINDOW_MS`] (any numbers).
pub const MAX_FAILURES_PER_IP: usize = 30;
/// Digits in a code.
pub const CODE_DIGITS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsCodeError {
    #[error("{0}")]
    Mobile(PhoneError),
    #[error("请输入手机号码而非固定电话 (a mobile number is required, not a landline)")]
    NotMobile,
    #[error("验证码应为6位数字 (the code is 6 digits)")]
    BadCodeFormat,
}

/// The canonical mobile number (`13812345678`) of `text`, or why it is not one.
pub fn parse_mobile(text: &str) -> Result<String, SmsCodeError> {
    match Phone::parse(text).map_err(SmsCodeError::Mobile)? {
        Phone::Mobile(number) => Ok(number),
        Phone::Landline { .. } => Err(SmsCodeError::NotMobile),
    }
}

/// The code typed by a person, trimmed of spaces, if it has the right shape.
pub fn parse_code(text: &str) -> Result<String, SmsCodeError> {
    let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(SmsCodeError::BadCodeFormat)
    }
}

/// A 6-digit code from 8 random bytes (modulo bias below 10⁻¹³).
pub fn code_from_random(bytes: [u8; 8]) -> String {
    let value = u64::from_le_bytes(bytes) % 1_000_000;
    format!("{value:06}")
}

/// Why a code may not be sent now; `retry_after_ms` says when it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRefusal {
    /// Another code went to this number less than 60 s ago.
    TooSoon { retry_after_ms: i64 },
    /// Ten codes went to this number in the last 24 h.
    DailyLimit { retry_after_ms: i64 },
    /// This client address asked for too many codes.
    AddressLimit { retry_after_ms: i64 },
}

impl SendRefusal {
    pub fn retry_after_ms(&self) -> i64 {
        match *self {
            SendRefusal::TooSoon { retry_after_ms }
            | SendRefusal::DailyLimit { retry_after_ms }
            | SendRefusal::AddressLimit { retry_after_ms } => retry_after_ms.max(1000),
        }
    }
}

/// May a code be sent now? `sent_to_number`: when codes went to this number (any order, at
/// least those of the last day); `requested_from_address`: when this client address asked for
/// codes (at least those of the last [`IP_WINDOW_MS`]).
pub fn may_send(
    now_ms: i64,
    sent_to_number: &[i64],
    requested_from_address: &[i64],
) -> Result<(), SendRefusal> {
    let from_address: Vec<i64> = recent(requested_from_address, now_ms, IP_WINDOW_MS);
    if from_address.len() >= MAX_REQUESTS_PER_IP {
        let oldest = from_address.iter().min().copied().unwrap_or(now_ms);
        return Err(SendRefusal::AddressLimit {
            retry_after_ms: oldest + IP_WINDOW_MS - now_ms,
        });
    }
    if let Some(last) = recent(sent_to_number, now_ms, RESEND_INTERVAL_MS)
        .into_iter()
        .max()
    {
        return Err(SendRefusal::TooSoon {
            retry_after_ms: last + RESEND_INTERVAL_MS - now_ms,
        });
    }
    let today = recent(sent_to_number, now_ms, DAY_MS);
    if today.len() >= MAX_CODES_PER_DAY {
        let oldest = today.iter().min().copied().unwrap_or(now_ms);
        return Err(SendRefusal::DailyLimit {
            retry_after_ms: oldest + DAY_MS - now_ms,
        });
    }
    Ok(())
}

/// May this client address try another code? `failures`: when it sent wrong codes.
pub fn may_verify_from_address(now_ms: i64, failures: &[i64]) -> Result<(), SendRefusal> {
    let recent = recent(failures, now_ms, IP_WINDOW_MS);
    if recent.len() >= MAX_FAILURES_PER_IP {
        let oldest = recent.iter().min().copied().unwrap_or(now_ms);
        return Err(SendRefusal::AddressLimit {
            retry_after_ms: oldest + IP_WINDOW_MS - now_ms,
        });
    }
    Ok(())
}

fn recent(times: &[i64], now_ms: i64, window_ms: i64) -> Vec<i64> {
    times
        .iter()
        .copied()
        .filter(|&at| at > now_ms - window_ms && at <= now_ms)
        .collect()
}

/// A stored code's state (the newest code sent to a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedCode {
    pub sent_at_ms: i64,
    pub used_at_ms: Option<i64>,
    pub wrong_attempts: u32,
}

/// The outcome of typing a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Right code, in time, first use: sign in and mark the code used.
    Accept,
    /// Wrong code: count it; `remaining` guesses before the code locks.
    Wrong {
        remaining: u32,
    },
    /// No code was sent to this number (or it is too old to matter).
    NoCode,
    Expired,
    AlreadyUsed,
    /// Five wrong guesses: this code can no longer be used; ask for a new one.
    Locked,
}

impl Check {
    /// The stable error code the worker answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Check::Accept => "ok",
            Check::Wrong { .. } | Check::NoCode => "code_wrong",
            Check::Expired => "code_expired",
            Check::AlreadyUsed => "code_used",
            Check::Locked => "code_locked",
        }
    }

    /// The message shown, Chinese first.
    pub fn message(&self) -> String {
        match self {
            Check::Accept => String::new(),
            Check::Wrong { remaining } => {
                format!("验证码错误，还可尝试{remaining}次 Wrong code, {remaining} tries left")
            }
            Check::NoCode => "验证码错误 Wrong code".into(),
            Check::Expired => {
                "验证码已过期，请重新获取 The code has expired, ask for a new one".into()
            }
            Check::AlreadyUsed => {
                "验证码已使用，请重新获取 The code was already used, ask for a new one".into()
            }
            Check::Locked => {
                "错误次数过多，验证码已失效，请重新获取 Too many wrong tries, ask for a new code"
                    .into()
            }
        }
    }
}

/// Checks a typed code against the newest code sent to the number. `matches`: whether the
/// typed code's hash equals the stored one (compared by the caller in constant time).
/// Order matters: a locked or used code stays so even when the right digits arrive later.
pub fn check(code: Option<&IssuedCode>, now_ms: i64, matches: bool) -> Check {
    let Some(code) = code else {
        return Check::NoCode;
    };
    if code.wrong_attempts >= MAX_WRONG_ATTEMPTS {
        return Check::Locked;
    }
    if code.used_at_ms.is_some() {
        return Check::AlreadyUsed;
    }
    if now_ms >= code.sent_at_ms + CODE_TTL_MS {
        return Check::Expired;
    }
    if !matches {
        let wrong = code.wrong_attempts + 1;
        if wrong >= MAX_WRONG_ATTEMPTS {
            return Check::Locked;
        }
        return Check::Wrong {
            remaining: MAX_WRONG_ATTEMPTS - wrong,
        };
    }
    Check::Accept
}

/// Seconds left on the resend button after a code was sent at `sent_at_ms` (0: may resend).
pub fn resend_countdown_secs(sent_at_ms: i64, now_ms: i64) -> u32 {
    let left = sent_at_ms + RESEND_INTERVAL_MS - now_ms;
    if left <= 0 {
        0
    } else {
        (left as u64).div_ceil(1000) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T: i64 = 1_800_000_000_000;

    fn issued(sent_at_ms: i64, used: bool, wrong: u32) -> IssuedCode {
        IssuedCode {
            sent_at_ms,
            used_at_ms: used.then_some(sent_at_ms + 1),
            wrong_attempts: wrong,
        }
    }

    #[test]
    fn mobiles_are_validated_and_canonical() {
        let check = |text: &str, expected: Result<&str, SmsCodeError>| {
            assert_eq!(parse_mobile(text), expected.map(String::from), "{text}");
        };
        check("138 1234 5678", Ok("13812345678"));
        check("+86 138-1234-5678", Ok("13812345678"));
        check(
            "12812345678",
            Err(SmsCodeError::Mobile(PhoneError::BadMobile)),
        );
        check("022-23456789", Err(SmsCodeError::NotMobile));
        check("", Err(SmsCodeError::Mobile(PhoneError::Empty)));
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(parse_code(" 012 345 "), Ok("012345".into()));
        for bad in ["12345", "1234567", "12a456", "１２３４５６", ""] {
            assert_eq!(parse_code(bad), Err(SmsCodeError::BadCodeFormat), "{bad}");
        }
        assert_eq!(code_from_random([0; 8]), "000000");
        assert_eq!(code_from_random(1_000_042u64.to_le_bytes()), "000042");
    }

    #[test]
    fn one_code_per_number_per_minute() {
        assert_eq!(may_send(T, &[], &[]), Ok(()));
        assert_eq!(
            may_send(T, &[T - 59_000], &[]),
            Err(SendRefusal::TooSoon {
                retry_after_ms: 1000
            })
        );
        assert_eq!(may_send(T, &[T - 60_000], &[]), Ok(()));
    }

    #[test]
    fn ten_codes_per_number_per_rolling_day() {
        let nine: Vec<i64> = (1..=9).map(|i| T - i * 3_600_000).collect();
        assert_eq!(may_send(T, &nine, &[]), Ok(()));
        let ten: Vec<i64> = (1..=10).map(|i| T - i * 2_000_000).collect();
        assert_eq!(
            may_send(T, &ten, &[]),
            Err(SendRefusal::DailyLimit {
                retry_after_ms: T - 20_000_000 + DAY_MS - T
            })
        );
        // The oldest leaves the window: one more is allowed.
        let aged: Vec<i64> = ten.iter().map(|t| t - (DAY_MS - 20_000_000)).collect();
        assert_eq!(may_send(T, &aged, &[]), Ok(()));
    }

    #[test]
    fn per_address_limits() {
        let many: Vec<i64> = (0..MAX_REQUESTS_PER_IP as i64)
            .map(|i| T - i * 1000)
            .collect();
        assert!(matches!(
            may_send(T, &[], &many),
            Err(SendRefusal::AddressLimit { .. })
        ));
        assert_eq!(may_send(T, &[], &many[1..]), Ok(()));
        let failures: Vec<i64> = (0..MAX_FAILURES_PER_IP as i64).map(|i| T - i).collect();
        assert!(may_verify_from_address(T, &failures).is_err());
        assert!(may_verify_from_address(T, &failures[1..]).is_ok());
        assert!(may_verify_from_address(T + IP_WINDOW_MS, &failures).is_ok());
    }

    #[test]
    fn checking_a_code() {
        let cases: &[(Option<IssuedCode>, i64, bool, Check)] = &[
            (None, T, true, Check::NoCode),
            (Some(issued(T, false, 0)), T + 1000, true, Check::Accept),
            (
                Some(issued(T, false, 0)),
                T + CODE_TTL_MS - 1,
                true,
                Check::Accept,
            ),
            (
                Some(issued(T, false, 0)),
                T + CODE_TTL_MS,
                true,
                Check::Expired,
            ),
            (Some(issued(T, true, 0)), T + 1000, true, Check::AlreadyUsed),
            (
                Some(issued(T, false, 0)),
                T + 1000,
                false,
                Check::Wrong { remaining: 4 },
            ),
            (
                Some(issued(T, false, 3)),
                T + 1000,
                false,
                Check::Wrong { remaining: 1 },
            ),
            (Some(issued(T, false, 4)), T + 1000, false, Check::Locked),
            (Some(issued(T, false, 5)), T + 1000, true, Check::Locked),
        ];
        for (code, now, matches, expected) in cases {
            assert_eq!(
                check(code.as_ref(), *now, *matches),
                *expected,
                "{code:?} {now}"
            );
        }
    }

    #[test]
    fn countdown() {
        assert_eq!(resend_countdown_secs(T, T), 60);
        assert_eq!(resend_countdown_secs(T, T + 59_001), 1);
        assert_eq!(resend_countdown_secs(T, T + 60_000), 0);
    }

    proptest! {
        #[test]
        fn random_codes_always_parse(bytes in any::<[u8; 8]>()) {
            let code = code_from_random(bytes);
            prop_assert_eq!(parse_code(&code), Ok(code.clone()));
        }

        #[test]
        fn never_more_than_ten_a_day_nor_two_a_minute(gaps in proptest::collection::vec(0i64..7_200_000, 1..60)) {
            // Simulate someone asking at arbitrary moments; record only the codes sent.
            let mut now = T;
            let mut sent: Vec<i64> = Vec::new();
            for gap in gaps {
                now += gap;
                if may_send(now, &sent, &[]).is_ok() {
                    sent.push(now);
                }
                for w in sent.windows(2) {
                    prop_assert!(w[1] - w[0] >= RESEND_INTERVAL_MS);
                }
                for &start in &sent {
                    let in_day = sent.iter().filter(|&&t| t >= start && t < start + DAY_MS).count();
                    prop_assert!(in_day <= MAX_CODES_PER_DAY);
                }
            }
        }

        #[test]
        fn a_code_is_accepted_at_most_inside_its_life(
            sent in 0i64..1_000_000, offset in -10i64..(2 * CODE_TTL_MS), wrong in 0u32..8, used: bool
        ) {
            let code = issued(sent, used, wrong);
            let result = check(Some(&code), sent + offset, true);
            if result == Check::Accept {
                prop_assert!(!used && wrong < MAX_WRONG_ATTEMPTS && offset < CODE_TTL_MS);
            }
        }
    }
}
