//! 公民身份号码 (citizen identity number), GB 11643-1999.
//!
//! Layout of the 18 characters: 6-digit address code (行政区划代码) · 8-digit birth date
//! `YYYYMMDD` · 3-digit sequence code (odd = male, even = female) · 1 check character computed
//! with ISO 7064 MOD 11-2 (`0`–`9` or `X`).
//!
//! Design decisions:
//! - Parsing normalises a lower-case `x` to `X` and trims surrounding white space; nothing else
//!   (no 15-digit legacy numbers: every elder alive today holds an 18-character card).
//! - The address code is checked for a real province prefix (11–15, 21–23, 31–37, 41–46, 50–54,
//!   61–65, 71, 81–83) but not against a full table of county codes, which change every year.
//! - [`IdNumber`] never leaves a device it should not reach: volunteers' devices only ever see
//!   [`IdNumber::masked`] (enforced by the server, see the worker).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::elder::Sex;

/// ISO 7064 MOD 11-2 weights for positions 1..=17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for `sum mod 11`.
const CHECK_CHARACTERS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

const PROVINCE_CODES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// A valid 18-character identity number (upper-case `X`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdNumber(String);

/// Why an identity number was refused. Messages are Chinese first, English second.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号应为18位，实为{length}位 (must be 18 characters, got {length})")]
    WrongLength { length: usize },
    #[error(
        "身份证号第{position}位字符无效: {character:?} (bad character at position {position})"
    )]
    BadCharacter { position: usize, character: char },
    #[error("身份证号地址码无效: {prefix} (unknown region prefix)")]
    BadRegionPrefix { prefix: String },
    #[error("身份证号中的出生日期不存在: {digits} (birth date is not a real day)")]
    BadBirthDate { digits: String },
    #[error("身份证号中的出生日期 {birth} 晚于 {limit} (birth date after {limit})")]
    BirthDateAfter { birth: NaiveDate, limit: NaiveDate },
    #[error("身份证号校验位错误，应为 {expected}，实为 {found} (bad check character)")]
    BadCheckCharacter { expected: char, found: char },
}

impl IdNumber {
    /// Parses and checks the structure, birth date and check character.
    pub fn parse(text: &str) -> Result<IdNumber, IdNumberError> {
        // Works on bytes and allocates only the result: classification re-checks the number of
        // every elder, so this is on the hot path (see BENCHMARKS.md).
        let trimmed = text.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() != 18 || !trimmed.is_ascii() {
            let length = trimmed.chars().count();
            if length != 18 {
                return Err(IdNumberError::WrongLength { length });
            }
            // 18 characters but not all ASCII: name the first bad one.
            let (index, character) = trimmed
                .chars()
                .enumerate()
                .find(|(_, c)| !c.is_ascii())
                .unwrap();
            return Err(IdNumberError::BadCharacter {
                position: index + 1,
                character,
            });
        }
        for (index, &byte) in bytes.iter().enumerate() {
            let ok = byte.is_ascii_digit() || (index == 17 && (byte == b'X' || byte == b'x'));
            if !ok {
                return Err(IdNumberError::BadCharacter {
                    position: index + 1,
                    character: (byte as char).to_ascii_uppercase(),
                });
            }
        }
        let province = number(&bytes[..2]);
        if !PROVINCE_CODES.contains(&province) {
            return Err(IdNumberError::BadRegionPrefix {
                prefix: trimmed[..6].to_string(),
            });
        }
        if birth_date_of_digits(&bytes[6..14]).is_none() {
            return Err(IdNumberError::BadBirthDate {
                digits: trimmed[6..14].to_string(),
            });
        }
        let expected = check_character_of_digits(&bytes[..17]);
        let found = (bytes[17] as char).to_ascii_uppercase();
        if expected != found {
            return Err(IdNumberError::BadCheckCharacter { expected, found });
        }
        Ok(IdNumber(if bytes[17] == b'x' {
            trimmed.to_ascii_uppercase()
        } else {
            trimmed.to_string()
        }))
    }

    /// Like [`IdNumber::parse`], and the birth date must not be after `limit` (usually today).
    pub fn parse_on(text: &str, limit: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let id = IdNumber::parse(text)?;
        let birth = id.birth_date();
        if birth > limit {
            return Err(IdNumberError::BirthDateAfter { birth, limit });
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit address code (行政区划代码) where the number was issued.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of_digits(&self.0.as_bytes()[6..14]).expect("checked by parse")
    }

    /// Sex from the 17th digit: odd = male, even = female.
    pub fn sex(&self) -> Sex {
        let digit = self.0.as_bytes()[16] - b'0';
        if digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// First 6 and last 4 characters visible: `110105********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// The ISO 7064 MOD 11-2 check character of the first 17 digits.
///
/// Panics when `first_17` is not 17 ASCII digits.
pub fn check_character(first_17: &str) -> char {
    assert_eq!(first_17.len(), 17, "check_character needs 17 digits");
    assert!(
        first_17.bytes().all(|b| b.is_ascii_digit()),
        "check_character needs digits"
    );
    check_character_of_digits(first_17.as_bytes())
}

/// Check character of 17 ASCII digits (not re-checked).
fn check_character_of_digits(first_17: &[u8]) -> char {
    let sum: u32 = first_17
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    CHECK_CHARACTERS[(sum % 11) as usize]
}

/// The value of a run of ASCII digits.
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |value, b| value * 10 + (b - b'0') as u32)
}

/// `YYYYMMDD` as a real day from 1850 on, or `None`.
fn birth_date_of_digits(digits: &[u8]) -> Option<NaiveDate> {
    let year = number(&digits[..4]) as i32;
    if year < 1850 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, number(&digits[4..6]), number(&digits[6..8]))
}

/// Masks any text that looks like an identity number; other text is returned as is.
pub fn mask_text(text: &str) -> String {
    match IdNumber::parse(text) {
        Ok(id) => id.masked(),
        Err(_) if text.chars().count() > 10 => {
            let chars: Vec<char> = text.chars().collect();
            let head: String = chars[..6].iter().collect();
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
        }
        Err(_) => "*".repeat(text.chars().count()),
    }
}

impl fmt::Debug for IdNumber {
    /// Debug output is masked so identity numbers do not leak into logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl Serialize for IdNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        IdNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Builds a valid identity number from a region code, birth date and sequence (for tests and
/// demo data). `sequence` is taken modulo 1000; its parity decides the sex.
pub fn make_id_number(region6: &str, birth: NaiveDate, sequence: u32) -> IdNumber {
    let first_17 = format!(
        "{region6}{:04}{:02}{:02}{:03}",
        birth.year(),
        birth.month(),
        birth.day(),
        sequence % 1000
    );
    let check = check_character(&first_17);
    IdNumber::parse(&format!("{first_17}{check}")).expect("make_id_number builds a valid number")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_good_number() {
        // The example number from GB 11643-1999 annex.
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date().to_string(), "1949-12-31");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105********002X");
    }
}
