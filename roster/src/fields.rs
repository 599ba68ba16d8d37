//! The importable fields of an elder's file, the Chinese header aliases they are recognised by,
//! and the column mapping (header text → field).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A field a roster column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 编号: the caller's own id for the row (optional).
    ExternalId,
    Name,
    Sex,
    Ethnicity,
    IdNumber,
    BirthDate,
    RegionCode,
    City,
    District,
    Street,
    Community,
    AddressDetail,
    Phone,
    Categories,
    Capability,
    Bedridden,
    MobilityImpaired,
    Dementia,
    DisabilityGrade,
    DisabilityCertificateNumber,
    SeriousIllness,
    LowIncome,
    Consent,
    ContactName,
    ContactRelation,
    ContactPhone,
    Notes,
}

impl Field {
    pub const ALL: [Field; 27] = [
        Field::ExternalId,
        Field::Name,
        Field::Sex,
        Field::Ethnicity,
        Field::IdNumber,
        Field::BirthDate,
        Field::RegionCode,
        Field::City,
        Field::District,
        Field::Street,
        Field::Community,
        Field::AddressDetail,
        Field::Phone,
        Field::Categories,
        Field::Capability,
        Field::Bedridden,
        Field::MobilityImpaired,
        Field::Dementia,
        Field::DisabilityGrade,
        Field::DisabilityCertificateNumber,
        Field::SeriousIllness,
        Field::LowIncome,
        Field::Consent,
        Field::ContactName,
        Field::ContactRelation,
        Field::ContactPhone,
        Field::Notes,
    ];

    /// The key used in mappings and JSON (`id_number`).
    pub fn key(self) -> &'static str {
        match self {
            Field::ExternalId => "external_id",
            Field::Name => "name",
            Field::Sex => "sex",
            Field::Ethnicity => "ethnicity",
            Field::IdNumber => "id_number",
            Field::BirthDate => "birth_date",
            Field::RegionCode => "region_code",
            Field::City => "city",
            Field::District => "district",
            Field::Street => "street",
            Field::Community => "community",
            Field::AddressDetail => "address_detail",
            Field::Phone => "phone",
            Field::Categories => "categories",
            Field::Capability => "capability",
            Field::Bedridden => "bedridden",
            Field::MobilityImpaired => "mobility_impaired",
            Field::Dementia => "dementia",
            Field::DisabilityGrade => "disability_grade",
            Field::DisabilityCertificateNumber => "disability_certificate_number",
            Field::SeriousIllness => "serious_illness",
            Field::LowIncome => "low_income",
            Field::Consent => "consent",
            Field::ContactName => "contact_name",
            Field::ContactRelation => "contact_relation",
            Field::ContactPhone => "contact_phone",
            Field::Notes => "notes",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The Chinese label (also the header this project writes).
    pub fn label_zh(self) -> &'static str {
        self.aliases()[0]
    }

    /// Header texts recognised for this field, the label first. Compared after removing
    /// spaces, brackets' contents are kept (`社区(村)`).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::ExternalId => &["编号", "档案编号", "老人编号"],
            Field::Name => &["姓名", "老人姓名", "名字"],
            Field::Sex => &["性别"],
            Field::Ethnicity => &["民族"],
            Field::IdNumber => &[
                "身份证号",
                "身份证号码",
                "公民身份号码",
                "身份证",
                "证件号码",
            ],
            Field::BirthDate => &["出生日期", "出生年月日", "出生年月", "生日"],
            Field::RegionCode => &["区划代码", "社区代码", "社区(村)代码", "村(社区)代码"],
            Field::City => &["市", "地市", "所属市"],
            Field::District => &["区(县)", "区县", "县(区)", "区", "县", "所属区县"],
            Field::Street => &[
                "街道(乡镇)",
                "街道",
                "乡镇",
                "乡镇(街道)",
                "镇街",
                "所属街道",
            ],
            Field::Community => &[
                "社区(村)",
                "社区",
                "村",
                "村(社区)",
                "村居",
                "所属社区",
                "村(居)委会",
            ],
            Field::AddressDetail => &["详细地址", "家庭住址", "住址", "居住地址", "地址"],
            Field::Phone => &["联系电话", "本人电话", "电话", "手机号", "本人联系电话"],
            Field::Categories => &[
                "类别",
                "老人类别",
                "人员类别",
                "特殊困难类型",
                "困难类型",
                "老年人类型",
            ],
            Field::Capability => &["能力等级", "能力评估", "失能等级", "失能情况", "失能程度"],
            Field::Bedridden => &["长期卧床", "卧床", "是否卧床"],
            Field::MobilityImpaired => &["行动不便", "是否行动不便"],
            Field::Dementia => &["失智", "认知障碍", "是否失智"],
            Field::DisabilityGrade => &["残疾等级", "残疾级别"],
            Field::DisabilityCertificateNumber => &["残疾人证号", "残疾证号"],
            Field::SeriousIllness => &["患重病", "重病", "是否患重病", "大病"],
            Field::LowIncome => &["低保", "是否低保", "低保户"],
            Field::Consent => &["探访意愿", "是否同意探访", "同意探访"],
            Field::ContactName => &["紧急联系人", "紧急联系人姓名", "联系人", "联系人姓名"],
            Field::ContactRelation => &["与老人关系", "联系人关系", "关系", "紧急联系人关系"],
            Field::ContactPhone => &["紧急联系人电话", "联系人电话", "紧急联系电话"],
            Field::Notes => &["备注", "说明"],
        }
    }

    /// The field a header names, if any (spaces and full-width brackets normalised).
    pub fn from_header(header: &str) -> Option<Field> {
        let normalised = normalise_header(header);
        if normalised.is_empty() {
            return None;
        }
        if let Some(field) = Field::from_key(&normalised) {
            return Some(field);
        }
        Field::ALL
            .into_iter()
            .find(|f| f.aliases().iter().any(|a| *a == normalised))
    }
}

fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// Which column fills which field, keyed by header text so a coordinator's remembered mapping
/// applies to the next sheet with the same headers. A header mapped to `null` is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mapping(pub BTreeMap<String, Option<Field>>);

impl Mapping {
    /// The mapping the headers suggest by themselves.
    pub fn guess(headers: &[String]) -> Mapping {
        let mut taken = std::collections::BTreeSet::new();
        let mut map = BTreeMap::new();
        for header in headers {
            if header.is_empty() {
                continue;
            }
            let field = Field::from_header(header).filter(|f| taken.insert(*f));
            map.insert(header.clone(), field);
        }
        Mapping(map)
    }

    /// `remembered` over the guess: headers the remembered mapping knows keep its choice.
    pub fn guess_with(headers: &[String], remembered: &Mapping) -> Mapping {
        let mut mapping = Mapping::guess(headers);
        for header in headers {
            if let Some(choice) = remembered.0.get(header) {
                // A remembered choice displaces a guess of the same field on another column.
                if let Some(field) = choice {
                    for (other, value) in mapping.0.iter_mut() {
                        if other != header && *value == Some(*field) {
                            *value = None;
                        }
                    }
                }
                mapping.0.insert(header.clone(), *choice);
            }
        }
        mapping
    }

    /// Column index of each mapped field for these headers. Errors when two columns fill the
    /// same field.
    pub fn columns(&self, headers: &[String]) -> Result<BTreeMap<Field, usize>, String> {
        let mut columns = BTreeMap::new();
        for (index, header) in headers.iter().enumerate() {
            if let Some(Some(field)) = self.0.get(header) {
                if let Some(previous) = columns.insert(*field, index) {
                    return Err(format!(
                        "列 {} 与列 {} 都对应字段“{}”，请只保留一列 (two columns map to {})",
                        crate::column_letter(previous),
                        crate::column_letter(index),
                        field.label_zh(),
                        field.key()
                    ));
                }
            }
        }
        Ok(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_names_its_own_field_and_keys_round_trip() {
        for field in Field::ALL {
            assert_eq!(Field::from_key(field.key()), Some(field));
            for alias in field.aliases() {
                assert_eq!(Field::from_header(alias), Some(field), "{alias}");
            }
        }
        assert_eq!(Field::from_header(" 身份证号码 "), Some(Field::IdNumber));
        assert_eq!(Field::from_header("社区（村）"), Some(Field::Community));
        assert_eq!(Field::from_header("*姓名"), Some(Field::Name));
        assert_eq!(Field::from_header("序号"), None);
    }

    #[test]
    fn remembered_mapping_wins_over_the_guess() {
        let headers: Vec<String> = ["序号", "老人姓名", "证件", "电话"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let guess = Mapping::guess(&headers);
        assert_eq!(guess.0["证件"], None);
        assert_eq!(guess.0["电话"], Some(Field::Phone));
        let remembered: Mapping =
            serde_json::from_str(r#"{"证件": "id_number", "电话": "contact_phone", "序号": null}"#)
                .unwrap();
        let mapping = Mapping::guess_with(&headers, &remembered);
        let columns = mapping.columns(&headers).unwrap();
        assert_eq!(columns[&Field::Name], 1);
        assert_eq!(columns[&Field::IdNumber], 2);
        assert_eq!(columns[&Field::ContactPhone], 3);
        assert!(!columns.contains_key(&Field::Phone));
    }

    #[test]
    fn two_columns_for_one_field_is_an_error_naming_both() {
        let headers: Vec<String> = ["姓名", "名字"].iter().map(|s| s.to_string()).collect();
        let mapping: Mapping = serde_json::from_str(r#"{"姓名": "name", "名字": "name"}"#).unwrap();
        let error = mapping.columns(&headers).unwrap_err();
        assert!(error.contains("列 A 与列 B"), "{error}");
    }
}
