//! ID-number parser (GB 11643): arbitrary text never panics; what parses re-parses to the
//! same number and its parts are consistent.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use tanfang_domain::id_number::{mask_text, IdNumber};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = mask_text(text);
    let limit = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let _ = IdNumber::parse_on(text, limit);
    if let Ok(id) = IdNumber::parse(text) {
        let again = IdNumber::parse(id.as_str()).expect("a parsed number parses again");
        assert!(again == id, "re-parse differs");
        assert_eq!(id.as_str().chars().count(), 18);
        assert!(id.region_code().len() == 6);
        let _ = id.birth_date();
        let _ = id.sex();
        let masked = id.masked();
        assert!(
            !masked.contains(&id.as_str()[6..14]),
            "mask shows the birth date"
        );
    }
});
