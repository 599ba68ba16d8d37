//! Finding elders by name with pinyin: `zs` finds 张三, so does `zhangsan`, `zhangs` or `san`.
//!
//! # Design
//!
//! A name is turned into a **search key**: one group per character, each group listing that
//! character's readings in plain pinyin without tones (`ü` written `v`, with a `u` spelling
//! added), groups separated by a space and readings by `|`. For 单田 the key is
//! `shan|dan|chan tian`: the surname reading comes first (see below), the other readings stay
//! so that whatever a visitor types is found. [`matches`] then accepts a query when it can be
//! split into pieces that are non-empty prefixes of consecutive groups' readings, starting at
//! any character: `zs`, `zhs`, `zhangsan` and `san` all find 张三.
//!
//! **Why a precomputed key, and why a cargo feature.** The reading table (from the well-kept
//! [`pinyin`](https://docs.rs/pinyin) crate, all CJK characters with their heteronyms) costs
//! about 450 KB of wasm, 120 KB gzip-compressed (measured with `opt-level = "z"`, LTO): close
//! to a third of the phone app's 400 KB compressed first-load budget. So:
//!
//! - [`search_key`] and [`initials`], which need the table, exist only with the `pinyin`
//!   feature (on by default: the worker, the CLI and native tests have it).
//! - The server computes the key when it stores or changes an elder and sends it along with
//!   the name; the phone calls only [`matches`] (and [`initials_from_key`]), which never touch
//!   the table, so even with the feature on the linker leaves the table out of the app's wasm.
//!   The app may also depend on this crate with `default-features = false`.
//!
//! **Polyphonic surnames.** The table's first reading is the most common one in running text,
//! which is wrong for many surnames: 单 is *Shàn*, 曾 *Zēng*, 解 *Xiè*, 仇 *Qiú*, 区 *Ōu*…
//! [`SURNAME_READINGS`] puts the surname reading first for the first character (and fixes
//! compound surnames such as 尉迟 *Yùchí*, 万俟 *Mòqí*, 长孙 *Zhǎngsūn*). The other readings
//! are kept as alternatives, so matching never gets stricter than the plain table.

/// Surnames whose reading as a surname differs from the character's most common reading.
/// Compound surnames come first so that they win over their first character.
pub const SURNAME_READINGS: &[(&str, &[&str])] = &[
    ("尉迟", &["yu", "chi"]),
    ("万俟", &["mo", "qi"]),
    ("长孙", &["zhang", "sun"]),
    ("单于", &["chan", "yu"]),
    ("澹台", &["tan", "tai"]),
    ("令狐", &["ling", "hu"]),
    ("单", &["shan"]),
    ("曾", &["zeng"]),
    ("解", &["xie"]),
    ("仇", &["qiu"]),
    ("区", &["ou"]),
    ("查", &["zha"]),
    ("朴", &["piao"]),
    ("盖", &["ge"]),
    ("乐", &["yue"]),
    ("缪", &["miao"]),
    ("翟", &["zhai"]),
    ("种", &["chong"]),
    ("覃", &["qin"]),
    ("召", &["shao"]),
    ("员", &["yun"]),
    ("宿", &["su"]),
    ("折", &["she"]),
    ("阚", &["kan"]),
    ("牟", &["mou"]),
    ("隗", &["wei"]),
    ("柏", &["bai"]),
    ("薄", &["bo"]),
    ("贲", &["ben"]),
    ("重", &["chong"]),
    ("尉", &["wei"]),
    ("秘", &["bi"]),
    ("繁", &["po"]),
    ("句", &["gou"]),
    ("祭", &["zhai"]),
    ("能", &["nai"]),
    ("长", &["chang"]),
    ("都", &["du"]),
    ("沈", &["shen"]),
    ("石", &["shi"]),
    ("任", &["ren"]),
    ("华", &["hua"]),
    ("纪", &["ji"]),
    ("藏", &["zang"]),
    ("费", &["fei"]),
    ("黑", &["he"]),
    ("曲", &["qu"]),
    ("相", &["xiang"]),
    ("燕", &["yan"]),
    ("葛", &["ge"]),
    ("应", &["ying"]),
    ("车", &["che"]),
    ("郇", &["huan"]),
    ("冼", &["xian"]),
    ("洗", &["xian"]),
    ("臧", &["zang"]),
    ("莘", &["shen"]),
    ("过", &["guo"]),
    ("尕", &["ga"]),
];

/// The search key of `name` (see the module docs): `张三` → `zhang san`,
/// `单田` → `shan|dan|chan tian`. Characters without pinyin are dropped, except runs of ASCII
/// letters and digits, which become one lower-case group each.
#[cfg(feature = "pinyin")]
pub fn search_key(name: &str) -> String {
    use pinyin::ToPinyinMulti;

    let mut groups: Vec<Vec<String>> = Vec::new();
    let name = name.trim();
    let mut rest = name;
    // The surname is the start of the name; compound surnames take precedence.
    if let Some((surname, readings)) = SURNAME_READINGS.iter().find(|(s, _)| rest.starts_with(s)) {
        for (character, reading) in surname.chars().zip(readings.iter()) {
            let mut group = vec![(*reading).to_string()];
            if let Some(multi) = character.to_pinyin_multi() {
                for alternative in multi {
                    push_reading(&mut group, alternative.plain());
                }
            }
            groups.push(group);
        }
        rest = &rest[surname.len()..];
    }
    let mut ascii_run = String::new();
    for character in rest.chars() {
        if character.is_ascii_alphanumeric() {
            ascii_run.push(character.to_ascii_lowercase());
            continue;
        }
        if !ascii_run.is_empty() {
            groups.push(vec![std::mem::take(&mut ascii_run)]);
        }
        if let Some(multi) = character.to_pinyin_multi() {
            let mut group = Vec::new();
            for reading in multi {
                push_reading(&mut group, reading.plain());
            }
            groups.push(group);
        }
    }
    if !ascii_run.is_empty() {
        groups.push(vec![ascii_run]);
    }
    groups
        .iter()
        .map(|group| group.join("|"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(feature = "pinyin")]
fn push_reading(group: &mut Vec<String>, plain: &str) {
    let mut spellings = vec![plain.replace('ü', "v")];
    if plain.contains('ü') {
        spellings.push(plain.replace('ü', "u"));
    }
    for spelling in spellings {
        if !group.contains(&spelling) {
            group.push(spelling);
        }
    }
}

/// The pinyin initials of `name`, one letter per character, surname read as a surname:
/// `张三` → `zs`, `单田芳` → `stf`, `曾国藩` → `zgf`.
#[cfg(feature = "pinyin")]
pub fn initials(name: &str) -> String {
    initials_from_key(&search_key(name))
}

/// The initials of a precomputed [`search_key`]: the first letter of each group's first
/// reading. Needs no table, so the phone app can show or index initials too.
pub fn initials_from_key(key: &str) -> String {
    key.split(' ')
        .filter_map(|group| group.chars().next())
        .collect()
}

/// Whether `query` finds the elder called `name` whose precomputed [`search_key`] is `key`.
///
/// - An empty (or blank) query finds everyone.
/// - A query with any non-ASCII character is matched as a substring of the name (`张` finds
///   张三, `三` too).
/// - Otherwise (case and spaces ignored) the query must split into non-empty prefixes of the
///   readings of consecutive characters, starting at any character: `zs`, `zhangs`,
///   `zhangsan`, `zsan` and `san` find 张三; `zz` does not. An empty `key` (not computed)
///   finds nothing by pinyin.
///
/// To filter a list, prepare the query once with [`NameQuery::new`] instead.
pub fn matches(query: &str, name: &str, key: &str) -> bool {
    NameQuery::new(query).matches(name, key)
}

/// A prepared name query: normalised once, then tested against many names without
/// allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameQuery {
    /// Whitespace removed; lower-cased when ASCII.
    text: String,
}

impl NameQuery {
    /// Prepares `query` (see [`matches`] for the rules).
    pub fn new(query: &str) -> NameQuery {
        let mut text: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_ascii() {
            text.make_ascii_lowercase();
        }
        NameQuery { text }
    }

    /// Whether the query finds everyone (it is empty).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether this query finds `name` with search key `key`.
    pub fn matches(&self, name: &str, key: &str) -> bool {
        if self.text.is_empty() {
            return true;
        }
        if !self.text.is_ascii() {
            return name.contains(self.text.as_str());
        }
        let query = self.text.as_bytes();
        if query.len() < 64 {
            matches_short(query, key)
        } else {
            matches_long(query, key)
        }
    }
}

impl NameQuery {
    /// Whether this query finds a registry entry: by its name as [`NameQuery::matches`] does,
    /// or as a part of its address (ASCII letters in any case: `12号` finds 蓝天大街12号,
    /// `b` finds B座). The coordinators' registry search, run in the browser over the compact
    /// list the server sends (`key` is the server's precomputed search key).
    pub fn matches_name_or_address(&self, name: &str, key: &str, address: &str) -> bool {
        self.matches(name, key) || contains_ignoring_ascii_case(address, &self.text)
    }
}

/// Whether `needle` occurs in `haystack`, ASCII letters compared without case.
fn contains_ignoring_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return true;
    }
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

/// The consumed-prefix dynamic programme of [`NameQuery::matches`] for queries shorter than 64
/// bytes: bit `i` of `reachable` says the first `i` query bytes were consumed by prefixes of
/// the readings of consecutive groups ending just before the current group. Bit 0 is set
/// before every group, so a match may start at any character.
fn matches_short(query: &[u8], key: &str) -> bool {
    let done = 1u64 << query.len();
    let mut reachable = 1u64;
    for group in key.split(' ').filter(|group| !group.is_empty()) {
        let mut next = 0u64;
        let mut positions = reachable & (done - 1);
        while positions != 0 {
            let position = positions.trailing_zeros() as usize;
            positions &= positions - 1;
            for reading in group.split('|') {
                let common = common_prefix(reading.as_bytes(), &query[position..]);
                if common > 0 {
                    // Bits position+1 ..= position+common.
                    next |= ((1u64 << common) - 1) << (position + 1);
                }
            }
        }
        if next & done != 0 {
            return true;
        }
        reachable = next | 1;
    }
    false
}

/// The same programme with a boolean vector, for (unusually) long queries.
fn matches_long(query: &[u8], key: &str) -> bool {
    let mut reachable = vec![false; query.len() + 1];
    reachable[0] = true;
    for group in key.split(' ').filter(|group| !group.is_empty()) {
        let mut next = vec![false; query.len() + 1];
        for position in 0..query.len() {
            if !reachable[position] {
                continue;
            }
            for reading in group.split('|') {
                let common = common_prefix(reading.as_bytes(), &query[position..]);
                for length in 1..=common {
                    next[position + length] = true;
                }
            }
        }
        if next[query.len()] {
            return true;
        }
        next[0] = true;
        reachable = next;
    }
    false
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}
