//! Region tree: province › city › district/county › street/town › community/village.
//!
//! Design decision: region codes are the 12-digit 统计用区划代码 of the National Bureau of
//! Statistics: `PP CC DD SSS VVV` (province, city, district/county, street/town,
//! community/village). A code's level is the last non-zero segment, so every node's subtree is
//! exactly "codes that start with its significant prefix": `120101000000` (和平区) has prefix
//! `120101` and contains `120101001002`. This makes "is node X inside subtree Y" a string prefix
//! test, which the worker also uses in SQL (`code LIKE prefix || '%'`) for scope checks and for
//! summing the monthly tallies of a subtree. A 6-digit 行政区划代码 (as printed in an ID number) is
//! accepted and padded with six zeros.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A valid 12-digit region code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省/直辖市
    Province,
    /// 市 (地级)
    City,
    /// 区/县
    District,
    /// 街道/乡镇
    Street,
    /// 社区/村
    Community,
}

impl RegionLevel {
    /// Number of significant leading digits of a code at this level.
    pub fn prefix_length(self) -> usize {
        match self {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::District => 6,
            RegionLevel::Street => 9,
            RegionLevel::Community => 12,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RegionLevel::Province => "省/直辖市",
            RegionLevel::City => "市",
            RegionLevel::District => "区/县",
            RegionLevel::Street => "街道/乡镇",
            RegionLevel::Community => "社区/村",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("区划代码应为12位（或6位）数字: {0:?} (region code must be 12 or 6 digits)")]
    Format(String),
    #[error("区划代码层级不连续: {0} (a zero segment is followed by a non-zero one)")]
    Gap(String),
}

impl RegionCode {
    pub fn parse(text: &str) -> Result<RegionCode, RegionCodeError> {
        let text = text.trim();
        if !text.bytes().all(|b| b.is_ascii_digit()) || !(text.len() == 12 || text.len() == 6) {
            return Err(RegionCodeError::Format(text.to_string()));
        }
        let code = if text.len() == 6 {
            format!("{text}000000")
        } else {
            text.to_string()
        };
        if &code[..2] == "00" {
            return Err(RegionCodeError::Format(text.to_string()));
        }
        // Segments after the first all-zero one must be zero too.
        let segments = [&code[2..4], &code[4..6], &code[6..9], &code[9..12]];
        let mut seen_zero = false;
        for segment in segments {
            let zero = segment.bytes().all(|b| b == b'0');
            if seen_zero && !zero {
                return Err(RegionCodeError::Gap(code.clone()));
            }
            seen_zero |= zero;
        }
        Ok(RegionCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        let nonzero = |range: std::ops::Range<usize>| self.0[range].bytes().any(|b| b != b'0');
        if nonzero(9..12) {
            RegionLevel::Community
        } else if nonzero(6..9) {
            RegionLevel::Street
        } else if nonzero(4..6) {
            RegionLevel::District
        } else if nonzero(2..4) {
            RegionLevel::City
        } else {
            RegionLevel::Province
        }
    }

    /// The significant prefix: every code in this node's subtree starts with it.
    pub fn prefix(&self) -> &str {
        &self.0[..self.level().prefix_length()]
    }

    /// True when `other` is this node or lies inside its subtree.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0.starts_with(self.prefix())
    }

    /// The code of the ancestor at `level` (this code when it is at that level or above).
    pub fn ancestor_at(&self, level: RegionLevel) -> RegionCode {
        let keep = level.prefix_length().min(self.level().prefix_length());
        RegionCode(format!("{}{}", &self.0[..keep], "0".repeat(12 - keep)))
    }

    /// The parent node's code, `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        let parent_level = match self.level() {
            RegionLevel::Province => return None,
            RegionLevel::City => RegionLevel::Province,
            RegionLevel::District => RegionLevel::City,
            RegionLevel::Street => RegionLevel::District,
            RegionLevel::Community => RegionLevel::Street,
        };
        Some(self.ancestor_at(parent_level))
    }
}

/// True when the code text `code` lies inside the subtree whose significant prefix (or full code)
/// is `subtree`. Accepts a bare prefix such as `"120101"` as the subtree.
pub fn code_in_subtree(code: &str, subtree: &str) -> bool {
    match RegionCode::parse(subtree) {
        Ok(root) => code.starts_with(root.prefix()),
        Err(_) => code.starts_with(subtree),
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for RegionCode {
    type Err = RegionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RegionCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One node of the region tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionNode {
    pub code: RegionCode,
    pub name: String,
}

impl RegionNode {
    pub fn level(&self) -> RegionLevel {
        self.code.level()
    }
}

/// The names from the top of the tree down to a node: `["天津市", "市辖区", "和平区", …]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionPath(pub Vec<RegionNode>);

impl RegionPath {
    /// `天津市 › 和平区 › 劝业场街道 › 新津社区`.
    pub fn display_names(&self) -> String {
        self.0
            .iter()
            .map(|n| n.name.as_str())
            .filter(|n| *n != "市辖区")
            .collect::<Vec<_>>()
            .join(" › ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionTreeError {
    #[error("区划 {code} 的上级 {parent} 不存在 (parent missing)")]
    MissingParent {
        code: RegionCode,
        parent: RegionCode,
    },
    #[error("区划代码重复: {0} (duplicate code)")]
    Duplicate(RegionCode),
}

/// A region tree held as a sorted map from code to node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionTree {
    nodes: BTreeMap<RegionCode, RegionNode>,
}

impl RegionTree {
    /// Builds a tree. The top level present may be any level (a deployment for one city starts
    /// at the city); every other node needs some ancestor in the tree (levels may be skipped).
    pub fn new(nodes: Vec<RegionNode>) -> Result<RegionTree, RegionTreeError> {
        let mut map = BTreeMap::new();
        for node in nodes {
            if map.contains_key(&node.code) {
                return Err(RegionTreeError::Duplicate(node.code));
            }
            map.insert(node.code.clone(), node);
        }
        let top = map.keys().map(|c| c.level()).min();
        for code in map.keys() {
            if Some(code.level()) == top {
                continue;
            }
            // Intermediate levels may be missing (a deployment may leave out streets), but some
            // ancestor must be present.
            let mut parent = code.parent();
            while let Some(p) = &parent {
                if map.contains_key(p) {
                    break;
                }
                if Some(p.level()) <= top {
                    return Err(RegionTreeError::MissingParent {
                        code: code.clone(),
                        parent: code.parent().unwrap(),
                    });
                }
                parent = p.parent();
            }
        }
        Ok(RegionTree { nodes: map })
    }

    pub fn get(&self, code: &RegionCode) -> Option<&RegionNode> {
        self.nodes.get(code)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn nodes(&self) -> impl Iterator<Item = &RegionNode> {
        self.nodes.values()
    }

    /// Ancestors of `code` present in the tree, top first, ending with the node itself.
    pub fn path(&self, code: &RegionCode) -> RegionPath {
        let mut chain = Vec::new();
        let mut current = Some(code.clone());
        while let Some(c) = current {
            if let Some(node) = self.nodes.get(&c) {
                chain.push(node.clone());
            }
            current = c.parent();
        }
        chain.reverse();
        RegionPath(chain)
    }

    /// Direct children present in the tree (the next level down that exists).
    pub fn children<'a>(&'a self, code: &'a RegionCode) -> Vec<&'a RegionNode> {
        self.subtree(code)
            .filter(|n| &n.code != code)
            .filter(|n| {
                // No node strictly between `code` and `n`.
                let mut parent = n.code.parent();
                while let Some(p) = parent {
                    if &p == code {
                        return true;
                    }
                    if self.nodes.contains_key(&p) {
                        return false;
                    }
                    parent = p.parent();
                }
                false
            })
            .collect()
    }

    /// Every node in the subtree of `code`, itself included, in code order.
    pub fn subtree<'a>(&'a self, code: &'a RegionCode) -> impl Iterator<Item = &'a RegionNode> {
        let prefix = code.prefix().to_string();
        self.nodes
            .range(code.clone()..)
            .take_while(move |(c, _)| c.as_str().starts_with(&prefix))
            .map(|(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_and_containment() {
        assert_eq!(c("120000000000").level(), RegionLevel::Province);
        assert_eq!(c("120100000000").level(), RegionLevel::City);
        assert_eq!(c("120101000000").level(), RegionLevel::District);
        assert_eq!(c("120101001000").level(), RegionLevel::Street);
        assert_eq!(c("120101001002").level(), RegionLevel::Community);
        assert!(c("120101000000").contains(&c("120101001002")));
        assert!(!c("120102000000").contains(&c("120101001002")));
        assert!(c("120101001002").contains(&c("120101001002")));
        assert_eq!(c("120101").as_str(), "120101000000");
        assert!(RegionCode::parse("120001001000").is_err());
        assert!(code_in_subtree("120101001002", "120101"));
    }
}
