//! Mainland China telephone numbers: mobile and landline.
//!
//! Design decisions:
//! - Input is forgiving about separators (spaces, `-`, `(`, `)`), a `+86`/`0086`/`86` prefix on
//!   mobiles, and an extension after `-`, `#`, `ext`, `转` or `分机`. Output is one canonical
//!   text: `13812345678` for mobiles, `022-23456789` or `0755-2345678-123` for landlines, so two
//!   spellings of one number compare equal after [`Phone::parse`].
//! - Mobile: `1[3-9]` followed by 9 digits. Landline: area code `010`/`02x` (3 digits) or
//!   `0[3-9]xx` (4 digits), then a 7–8 digit local number not starting with `0` or `1`
//!   (3-digit area codes always have 8-digit local numbers).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phone {
    Mobile(String),
    Landline {
        area_code: String,
        number: String,
        extension: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("电话号码为空 (empty phone number)")]
    Empty,
    #[error("电话号码含无效字符 {0:?} (bad character)")]
    BadCharacter(char),
    #[error("手机号码应为1开头的11位数字，第二位为3–9 (mobile must be 1[3-9] + 9 digits)")]
    BadMobile,
    #[error("固定电话区号无效 (bad area code)")]
    BadAreaCode,
    #[error("固定电话号码应为7–8位且不以0或1开头 (local number must be 7–8 digits)")]
    BadLocalNumber,
    #[error("分机号应为1–6位数字 (extension must be 1–6 digits)")]
    BadExtension,
}

impl Phone {
    pub fn parse(text: &str) -> Result<Phone, PhoneError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        // Split off an extension.
        let (main, extension) = split_extension(trimmed);
        let mut digits = String::new();
        for (index, c) in main.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '（' | '）' | '\u{3000}' => {}
                '+' if index == 0 => digits.push('+'),
                other => return Err(PhoneError::BadCharacter(other)),
            }
        }
        let extension = match extension {
            None => None,
            Some(e) => {
                let e = e.trim();
                if e.is_empty() || e.len() > 6 || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(PhoneError::BadExtension);
                }
                Some(e.to_string())
            }
        };
        let national = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .map(|rest| (rest, true))
            .unwrap_or((&digits, false));
        let (number, had_country_code) = national;
        if number.starts_with('+') {
            return Err(PhoneError::BadCharacter('+'));
        }
        let number = if !had_country_code && number.len() == 13 && number.starts_with("861") {
            &number[2..]
        } else {
            number
        };
        if number.starts_with('1') {
            let bytes = number.as_bytes();
            if extension.is_some() || bytes.len() != 11 || !(b'3'..=b'9').contains(&bytes[1]) {
                return Err(PhoneError::BadMobile);
            }
            return Ok(Phone::Mobile(number.to_string()));
        }
        if !number.starts_with('0') {
            return Err(if number.len() == 11 {
                PhoneError::BadMobile
            } else {
                PhoneError::BadAreaCode
            });
        }
        let area_length = match number.as_bytes().get(1) {
            Some(b'1') if number.starts_with("010") => 3,
            Some(b'2') => 3,
            Some(b'3'..=b'9') => 4,
            _ => return Err(PhoneError::BadAreaCode),
        };
        if number.len() <= area_length {
            return Err(PhoneError::BadLocalNumber);
        }
        let (area_code, local) = number.split_at(area_length);
        let local_ok = match area_length {
            3 => local.len() == 8,
            _ => (7..=8).contains(&local.len()),
        } && !local.starts_with('0')
            && !local.starts_with('1');
        if !local_ok {
            return Err(PhoneError::BadLocalNumber);
        }
        Ok(Phone::Landline {
            area_code: area_code.to_string(),
            number: local.to_string(),
            extension,
        })
    }

    pub fn is_mobile(&self) -> bool {
        matches!(self, Phone::Mobile(_))
    }

    /// Shows only the last 4 digits: `*******5678`.
    pub fn masked(&self) -> String {
        let text = self.to_string();
        let visible = 4.min(text.len());
        format!(
            "{}{}",
            "*".repeat(text.len() - visible),
            &text[text.len() - visible..]
        )
    }
}

fn split_extension(text: &str) -> (&str, Option<&str>) {
    for marker in ["分机", "转", "#", "ext.", "ext", "EXT", "x"] {
        if let Some(at) = text.find(marker) {
            return (&text[..at], Some(&text[at + marker.len()..]));
        }
    }
    // `0755-2345678-123`: a third dash-separated group after a landline is an extension.
    let groups: Vec<&str> = text.split('-').collect();
    if groups.len() == 3 && groups[0].trim().starts_with('0') {
        let at = text.rfind('-').unwrap();
        return (&text[..at], Some(&text[at + 1..]));
    }
    (text, None)
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phone::Mobile(number) => f.write_str(number),
            Phone::Landline {
                area_code,
                number,
                extension,
            } => {
                write!(f, "{area_code}-{number}")?;
                if let Some(e) = extension {
                    write!(f, "-{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl Serialize for Phone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Phone::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Normalises a phone number text to its canonical form.
pub fn normalise_phone(text: &str) -> Result<String, PhoneError> {
    Phone::parse(text).map(|p| p.to_string())
}
