//! A deterministic demo data set: regions, elders (一人一档), visits, volunteers and groups.
//!
//! # Design decisions
//! - **Pure and deterministic.** Everything comes from a small SplitMix64 generator seeded
//!   with a constant, and every date is relative to the `today` passed in, so
//!   `dataset(today)` is the same on the phone, in the worker (`POST /api/dev/seed`), in the CLI
//!   and in tests, and a demo run on any day shows "this month" as it should.
//! - **Valid by construction, checked by a test.** ID numbers are made with
//!   [`make_id_number`] (GB 11643 check character), phones follow [`crate::phone`], and a test
//!   asserts that every elder passes `ElderFile::validate`, classifies under every built-in
//!   policy, and that every visit passes `VisitRecord::validate`.
//! - **Realistic spread.** One city (安康市) › one county (平利县) › three towns › five
//!   communities/villages; ~200 elders over every category, capability, disability grade, age
//!   60–99 (someone turns 80 this month), consent state (some declined with a written note,
//!   some pending); visits over the last 12 months with most elders visited most months and
//!   some overdue; volunteers of many kinds, students with school/class/student number, an
//!   enterprise group and a school group paired with communities, a coordinator per community,
//!   per town, for the county and the city, and an administrator.
//! - **No passwords.** [`DemoPerson`] has logins but no secrets; the worker sets passwords
//!   when it seeds.
//! - **Scales for benchmarks.** [`scaled`] uses the same generator with as many communities as
//!   needed (about 400 elders each) and an exact number of visits per elder.

use std::collections::HashMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::date::{age_on, cst_midnight_unix_millis};
use crate::elder::{
    Address, Capability, Category, Consent, ConsentRecord, ContactKind, ElderFile,
    EmergencyContact, FamilyMember, HelpReceived, HelpUnitKind, LivingConditions, Sex, Subsidy,
};
use crate::id_number::make_id_number;
use crate::policy::{Kind, VisitMode};
use crate::region::{RegionCode, RegionNode};
use crate::visit::{
    CareService, CareServiceKind, Confirmation, ConfirmedBy, IllnessStatus, Location, Need,
    NeedCategory, Safety, Satisfaction, Trend, VisitRecord, VisitorCategory,
};

/// Everything the demo shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoData {
    /// City, county, towns and communities/villages, top down.
    pub regions: Vec<RegionNode>,
    pub elders: Vec<ElderFile>,
    /// Sorted by elder, then date.
    pub visits: Vec<VisitRecord>,
    pub people: Vec<DemoPerson>,
    pub groups: Vec<DemoGroup>,
}

/// Account roles, as the worker names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoRole {
    /// Visits the elders assigned to them (volunteers, students, enterprise members, 网格员…).
    Volunteer,
    /// Runs an enterprise or school group.
    GroupAdmin,
    /// Runs the registry of a community, town, county or city (scope: `region_code` subtree).
    Coordinator,
    /// Everything, plus the audit log.
    Admin,
}

impl DemoRole {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoRole::Volunteer => "volunteer",
            DemoRole::GroupAdmin => "group_admin",
            DemoRole::Coordinator => "coordinator",
            DemoRole::Admin => "admin",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DemoRole::Volunteer => "探访人员",
            DemoRole::GroupAdmin => "团体管理员",
            DemoRole::Coordinator => "协调员",
            DemoRole::Admin => "系统管理员",
        }
    }
}

/// A person who logs in. No password: the worker sets one when seeding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPerson {
    pub id: String,
    /// Login name (ASCII), unique.
    pub login: String,
    pub name: String,
    pub role: DemoRole,
    /// For volunteers: a [`VisitorCategory`] wire name (`volunteer`, `student`, `grid_worker`,
    /// `enterprise`, …).
    pub volunteer_kind: Option<String>,
    /// Coordinators' scope; volunteers' home community.
    pub region_code: Option<String>,
    pub group_id: Option<String>,
    pub phone: String,
    pub school: Option<String>,
    pub class_name: Option<String>,
    pub student_number: Option<String>,
}

/// An enterprise or school group paired (结对) with a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoGroup {
    pub id: String,
    pub name: String,
    /// `enterprise` | `school` | `other`.
    pub kind: String,
    pub paired_region_code: String,
    /// The group's administrator (a [`DemoRole::GroupAdmin`] person).
    pub admin_id: String,
    pub member_ids: Vec<String>,
}

/// The demo data set for `today`: ~200 elders in five communities, a year of visits.
pub fn dataset(today: NaiveDate) -> DemoData {
    let communities: Vec<CommunitySpec> = DEMO_COMMUNITIES
        .iter()
        .map(
            |&(street, code, name, village, lat, lon, weight)| CommunitySpec {
                street_code: format!("{COUNTY_CODE}{street}000"),
                code: format!("{COUNTY_CODE}{street}{code}"),
                name: name.to_string(),
                village,
                lat,
                lon,
                weight,
            },
        )
        .collect();
    let mut regions = vec![
        node(&format!("{}00000000", &COUNTY_CODE[..4]), CITY_NAME),
        node(&format!("{COUNTY_CODE}000000"), COUNTY_NAME),
    ];
    for &(code, name) in DEMO_STREETS {
        regions.push(node(&format!("{COUNTY_CODE}{code}000"), name));
    }
    for community in &communities {
        regions.push(node(&community.code, &community.name));
    }
    let street_names = DEMO_STREETS
        .iter()
        .map(|&(code, name)| (format!("{COUNTY_CODE}{code}000"), name.to_string()))
        .collect();
    generate(
        today,
        regions,
        communities,
        street_names,
        Volume::Demo { elders: 200 },
    )
}

/// A large data set for benchmarks: `n_elders` elders with exactly `visits_per_elder` visits
/// each over the last 12 months, in as many communities as needed (~400 elders each, ten per
/// town, one county). Elders and visits are made like [`dataset`]'s.
pub fn scaled(n_elders: usize, visits_per_elder: usize, today: NaiveDate) -> DemoData {
    let n_communities = n_elders.div_ceil(400).max(1);
    let mut regions = vec![
        node(&format!("{}00000000", &COUNTY_CODE[..4]), CITY_NAME),
        node(&format!("{COUNTY_CODE}000000"), COUNTY_NAME),
    ];
    let mut communities = Vec::with_capacity(n_communities);
    let mut street_names = Vec::new();
    for index in 0..n_communities {
        let street = 100 + index / 10;
        let street_code = format!("{COUNTY_CODE}{street:03}000");
        if index % 10 == 0 {
            let name = format!("第{}镇", index / 10 + 1);
            regions.push(node(&street_code, &name));
            street_names.push((street_code.clone(), name));
        }
        let village = index % 2 == 1;
        let number = if village {
            200 + index % 10
        } else {
            1 + index % 10
        };
        let code = format!("{COUNTY_CODE}{street:03}{number:03}");
        let name = format!("第{}{}", index + 1, if village { "村" } else { "社区" });
        regions.push(node(&code, &name));
        communities.push(CommunitySpec {
            street_code,
            code,
            name,
            village,
            lat: 32.39 + (index % 17) as f64 * 0.01,
            lon: 109.36 + (index % 13) as f64 * 0.01,
            weight: 1,
        });
    }
    generate(
        today,
        regions,
        communities,
        street_names,
        Volume::Scaled {
            elders: n_elders,
            visits_per_elder,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Fixed names and places
// ---------------------------------------------------------------------------------------------

const CITY_NAME: &str = "安康市";
const COUNTY_NAME: &str = "平利县";
/// 平利县's 6-digit code (also the region part of the demo ID numbers).
const COUNTY_CODE: &str = "610926";
const AREA_CODE: &str = "0915";

const DEMO_STREETS: &[(&str, &str)] = &[("100", "城关镇"), ("101", "老县镇"), ("102", "长安镇")];

/// (town code, community code, name, is a village, latitude, longitude, weight of elders).
const DEMO_COMMUNITIES: &[(&str, &str, &str, bool, f64, f64, u32)] = &[
    ("100", "001", "东关社区", false, 32.3890, 109.3620, 5),
    ("100", "002", "西关社区", false, 32.3872, 109.3475, 4),
    ("101", "201", "蒋家坪村", true, 32.4731, 109.2504, 3),
    ("102", "201", "中坝村", true, 32.3316, 109.4127, 3),
    ("102", "202", "高峰村", true, 32.3048, 109.4401, 2),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任",
    "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "付",
    "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶",
    "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "戴", "莫", "孔", "向", "汤", "单",
    "解", "柏",
];
const ELDER_MALE_NAMES: &[&str] = &[
    "建国", "国华", "志强", "德明", "福生", "长林", "永贵", "玉山", "文华", "世杰", "光荣", "保国",
    "金才", "有福", "春生", "树林", "德胜", "明", "军", "平", "正清", "连生", "仁和", "守业",
    "家富", "兴旺", "成", "贵",
];
const ELDER_FEMALE_NAMES: &[&str] = &[
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "淑珍", "玉珍", "翠花", "秀珍", "兰英", "春梅",
    "素芳", "冬梅", "金花", "美兰", "桂芳", "秀云", "芳", "英", "玉梅", "巧云", "菊香", "彩霞",
];
const YOUNGER_MALE_NAMES: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "海波", "建华", "晓东", "志刚", "红军", "小龙", "俊杰", "浩",
    "鹏", "宇航", "子轩",
];
const YOUNGER_FEMALE_NAMES: &[&str] = &[
    "丽", "娟", "静", "红梅", "晓燕", "丽娜", "海燕", "春燕", "敏", "艳", "雨欣", "思琪", "佳怡",
    "梦瑶",
];
const ILLNESSES: &[&str] = &[
    "脑梗塞后遗症",
    "慢性阻塞性肺疾病",
    "尿毒症",
    "肺癌",
    "冠心病",
    "帕金森病",
    "糖尿病并发症",
];
const MOBILE_PREFIXES: &[&str] = &[
    "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "182", "183", "187",
    "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189",
    "177", "199",
];
const DECLINE_NOTES: &[&str] = &[
    "本人表示子女每周回家，暂不需要上门探访，已书面签字",
    "老人不愿陌生人入户，同意电话联系，已书面记录",
    "赡养人代为拒绝上门探访，已书面说明理由",
];
const VOLUNTEER_KINDS: &[VisitorCategory] = &[
    VisitorCategory::GridWorker,
    VisitorCategory::Volunteer,
    VisitorCategory::CommunityCadre,
    VisitorCategory::SocialWorker,
    VisitorCategory::FamilyDoctor,
    VisitorCategory::ElderlyAssociation,
];

fn node(code: &str, name: &str) -> RegionNode {
    RegionNode {
        code: RegionCode::parse(code).expect("demo region codes are valid"),
        name: name.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, fast, and good enough for demo data (also drives [`crate::sim`]).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in `low..=high`.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn mobile(&mut self) -> String {
        format!(
            "{}{:08}",
            self.pick(MOBILE_PREFIXES),
            self.below(100_000_000)
        )
    }

    fn landline(&mut self) -> String {
        format!("{AREA_CODE}-{}", self.between(8_200_000, 8_699_999))
    }

    /// A UUID-like client id (version 4 layout).
    fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

struct CommunitySpec {
    street_code: String,
    code: String,
    name: String,
    village: bool,
    lat: f64,
    lon: f64,
    weight: u32,
}

enum Volume {
    Demo {
        elders: usize,
    },
    Scaled {
        elders: usize,
        visits_per_elder: usize,
    },
}

/// Volunteers of one community, for assignments.
struct CommunityTeam {
    coordinator: usize,
    volunteers: Vec<usize>,
}

/// Volunteer kind of each person id, for the visits' 服务人员类别.
type KindsById = HashMap<String, VisitorCategory>;

fn generate(
    today: NaiveDate,
    regions: Vec<RegionNode>,
    communities: Vec<CommunitySpec>,
    street_names: Vec<(String, String)>,
    volume: Volume,
) -> DemoData {
    let mut rng = Rng(0x5441_4E46_414E_4721); // "TANFANG!"
    let (people, groups, teams) = make_people(&mut rng, &communities, &street_names);
    let kinds: KindsById = people
        .iter()
        .filter_map(|p| {
            let kind = VisitorCategory::parse(p.volunteer_kind.as_deref()?)?;
            Some((p.id.clone(), kind))
        })
        .collect();
    let n_elders = match volume {
        Volume::Demo { elders } | Volume::Scaled { elders, .. } => elders,
    };
    let total_weight: u32 = communities.iter().map(|c| c.weight).sum();
    let mut elders = Vec::with_capacity(n_elders);
    let mut visits = Vec::new();
    for index in 0..n_elders {
        // Spread elders over communities by weight, deterministically.
        let slot = (index as u32 * 7919) % total_weight.max(1);
        let mut acc = 0;
        let community_index = communities
            .iter()
            .position(|c| {
                acc += c.weight;
                slot < acc
            })
            .unwrap_or(0);
        let community = &communities[community_index];
        let street_name = street_names
            .iter()
            .find(|(code, _)| *code == community.street_code)
            .map(|(_, name)| name.clone())
            .unwrap_or_default();
        let team = &teams[community_index];
        let elder = make_elder(
            &mut rng,
            index,
            today,
            community,
            &street_name,
            team,
            &people,
        );
        let elder_visits = match volume {
            Volume::Demo { .. } => {
                let overdue = index % 12 == 5;
                demo_visits(&mut rng, &elder, today, overdue, community, &kinds)
            }
            Volume::Scaled {
                visits_per_elder, ..
            } => scaled_visits(&mut rng, &elder, today, visits_per_elder, community, &kinds),
        };
        visits.extend(elder_visits);
        elders.push(elder);
    }
    DemoData {
        regions,
        elders,
        visits,
        people,
        groups,
    }
}

fn make_people(
    rng: &mut Rng,
    communities: &[CommunitySpec],
    street_names: &[(String, String)],
) -> (Vec<DemoPerson>, Vec<DemoGroup>, Vec<CommunityTeam>) {
    let mut people = Vec::new();
    let county_code = format!("{COUNTY_CODE}000000");
    let city_code = format!("{}00000000", &COUNTY_CODE[..4]);
    add_person(
        &mut people,
        rng,
        "admin".into(),
        DemoRole::Admin,
        None,
        Some(city_code.clone()),
    );
    add_person(
        &mut people,
        rng,
        "city".into(),
        DemoRole::Coordinator,
        None,
        Some(city_code),
    );
    add_person(
        &mut people,
        rng,
        "county".into(),
        DemoRole::Coordinator,
        None,
        Some(county_code),
    );
    for (index, (code, _)) in street_names.iter().enumerate() {
        add_person(
            &mut people,
            rng,
            format!("street{}", index + 1),
            DemoRole::Coordinator,
            None,
            Some(code.clone()),
        );
    }
    let mut teams = Vec::with_capacity(communities.len());
    for (index, community) in communities.iter().enumerate() {
        let coordinator = add_person(
            &mut people,
            rng,
            format!("c{}", index + 1),
            DemoRole::Coordinator,
            None,
            Some(community.code.clone()),
        );
        let mut volunteers = Vec::new();
        for number in 0..3 {
            let kind = VOLUNTEER_KINDS[(index + number) % VOLUNTEER_KINDS.len()];
            volunteers.push(add_person(
                &mut people,
                rng,
                format!("v{}-{}", index + 1, number + 1),
                DemoRole::Volunteer,
                Some(kind),
                Some(community.code.clone()),
            ));
        }
        teams.push(CommunityTeam {
            coordinator,
            volunteers,
        });
    }
    // A school group (students count service hours for credit) paired with the first
    // community, and an enterprise group paired with the last one.
    let mut groups = Vec::new();
    let school_community = 0;
    let enterprise_community = communities.len() - 1;
    let school_admin = add_person(
        &mut people,
        rng,
        "school".into(),
        DemoRole::GroupAdmin,
        None,
        Some(communities[school_community].code.clone()),
    );
    let mut students = Vec::new();
    for number in 0..2 {
        let index = add_person(
            &mut people,
            rng,
            format!("student{}", number + 1),
            DemoRole::Volunteer,
            Some(VisitorCategory::Student),
            Some(communities[school_community].code.clone()),
        );
        people[index].school = Some("平利县职业教育中心".to_string());
        people[index].class_name = Some("2024级护理1班".to_string());
        people[index].student_number = Some(format!("202401{:04}", 23 + number * 17));
        students.push(index);
    }
    let enterprise_admin = add_person(
        &mut people,
        rng,
        "enterprise".into(),
        DemoRole::GroupAdmin,
        None,
        Some(communities[enterprise_community].code.clone()),
    );
    let mut members = Vec::new();
    for number in 0..3 {
        members.push(add_person(
            &mut people,
            rng,
            format!("ent{}", number + 1),
            DemoRole::Volunteer,
            Some(VisitorCategory::Enterprise),
            Some(communities[enterprise_community].code.clone()),
        ));
    }
    for (group_id, admin, member_list) in [
        ("g-school", school_admin, &students),
        ("g-enterprise", enterprise_admin, &members),
    ] {
        people[admin].group_id = Some(group_id.to_string());
        for &member in member_list {
            people[member].group_id = Some(group_id.to_string());
        }
    }
    groups.push(DemoGroup {
        id: "g-school".into(),
        name: "平利县职业教育中心青年志愿者服务队".into(),
        kind: "school".into(),
        paired_region_code: communities[school_community].code.clone(),
        admin_id: people[school_admin].id.clone(),
        member_ids: students.iter().map(|&i| people[i].id.clone()).collect(),
    });
    groups.push(DemoGroup {
        id: "g-enterprise".into(),
        name: "平利县富硒茶业有限公司爱心志愿队".into(),
        kind: "enterprise".into(),
        paired_region_code: communities[enterprise_community].code.clone(),
        admin_id: people[enterprise_admin].id.clone(),
        member_ids: members.iter().map(|&i| people[i].id.clone()).collect(),
    });
    // Paired group members back up the community's own volunteers.
    teams[school_community].volunteers.extend(&students);
    teams[enterprise_community].volunteers.extend(&members);
    (people, groups, teams)
}

fn add_person(
    people: &mut Vec<DemoPerson>,
    rng: &mut Rng,
    login: String,
    role: DemoRole,
    kind: Option<VisitorCategory>,
    region: Option<String>,
) -> usize {
    let male = rng.chance(50);
    let given = if male {
        rng.pick(YOUNGER_MALE_NAMES)
    } else {
        rng.pick(YOUNGER_FEMALE_NAMES)
    };
    let name = format!("{}{}", rng.pick(SURNAMES), given);
    people.push(DemoPerson {
        id: format!("p-{login}"),
        login,
        name,
        role,
        volunteer_kind: kind.map(|k| k.as_str().to_string()),
        region_code: region,
        group_id: None,
        phone: rng.mobile(),
        school: None,
        class_name: None,
        student_number: None,
    });
    people.len() - 1
}

fn birth_for_age(rng: &mut Rng, today: NaiveDate, age: u32) -> NaiveDate {
    // The `age`-th birthday fell within the last year: birth = today − age years − 1..364 days.
    let anniversary = NaiveDate::from_ymd_opt(today.year() - age as i32, today.month(), 1)
        .expect("valid")
        .checked_add_days(Days::new(u64::from(today.day().min(28)) - 1))
        .expect("valid");
    let birth = anniversary - Days::new(rng.between(1, 360));
    if age_on(birth, today) == age {
        birth
    } else {
        anniversary - Days::new(30)
    }
}

fn make_elder(
    rng: &mut Rng,
    index: usize,
    today: NaiveDate,
    community: &CommunitySpec,
    street_name: &str,
    team: &CommunityTeam,
    people: &[DemoPerson],
) -> ElderFile {
    // Age: the first elder turns 80 this month; others spread over 60–99, older more often.
    let birth = if index == 0 {
        let day = if today.day() <= 23 {
            today.day() + 5
        } else {
            1
        };
        NaiveDate::from_ymd_opt(today.year() - 80, today.month(), day.min(28)).expect("valid")
    } else {
        let age = match rng.below(100) {
            0..=29 => rng.between(60, 69),
            30..=64 => rng.between(70, 79),
            65..=92 => rng.between(80, 89),
            _ => rng.between(90, 99),
        } as u32;
        birth_for_age(rng, today, age)
    };
    let age = age_on(birth, today);
    let male = rng.chance(45);
    let sequence = (((index as u32 * 2) % 1000) & !1) | u32::from(male);
    let id_number = make_id_number(COUNTY_CODE, birth, sequence);
    let sex = id_number.sex();
    let surname = if index == 0 {
        "曾"
    } else if index == 1 {
        "单"
    } else {
        *rng.pick(SURNAMES)
    };
    let given = if sex == Sex::Male {
        rng.pick(ELDER_MALE_NAMES)
    } else {
        rng.pick(ELDER_FEMALE_NAMES)
    };
    let name = format!("{surname}{given}");

    // Categories, capability and the rest of the classification facts.
    let mut categories = match rng.below(100) {
        0..=24 => vec![Category::LivingAlone],
        25..=42 => vec![Category::EmptyNest],
        43..=55 => vec![Category::LeftBehind],
        56..=60 => vec![Category::Solitary],
        61..=64 => vec![Category::FamilyPlanningSpecial],
        65..=67 => vec![Category::FamilyPlanningSpecial, Category::LivingAlone],
        68..=71 => vec![Category::EmptyNest, Category::LeftBehind],
        _ => vec![],
    };
    let mut capability = match rng.below(100) {
        0..=34 => Capability::Intact,
        35..=49 => Capability::Mild,
        50..=61 => Capability::Moderate,
        62..=69 => Capability::Severe,
        70..=74 => Capability::Total,
        _ => Capability::Unassessed,
    };
    let mut bedridden = false;
    let mut mobility_impaired = false;
    if capability == Capability::Unassessed {
        match rng.below(10) {
            0 => bedridden = true,
            1 | 2 => mobility_impaired = true,
            _ => {}
        }
    }
    let dementia = rng.chance(4);
    let mut disability_grade = rng.chance(14).then(|| rng.between(1, 4) as u8);
    // Someone with no category must be 失能 or 重残 to be in scope.
    let probe = crate::elder::ElderFacts {
        categories: categories.clone(),
        capability,
        bedridden,
        mobility_impaired,
        dementia,
        disability_grade,
        ..Default::default()
    };
    if !probe.special_needs() {
        match rng.below(3) {
            0 => capability = Capability::Moderate,
            1 => disability_grade = Some(rng.between(1, 2) as u8),
            _ => categories.push(Category::EmptyNest),
        }
    }
    let disability_certificate_number =
        disability_grade.map(|grade| format!("{}{}{grade}", id_number.as_str(), rng.between(1, 7)));
    let serious_illness = rng.chance(8);
    let illness_names = if serious_illness {
        vec![rng.pick(ILLNESSES).to_string()]
    } else {
        vec![]
    };
    let low_income = rng.chance(15);
    let cohabits_with_impaired_elder = rng.chance(5);
    let cares_for_impaired_child = rng.chance(2);

    // Consent: most accepted, some declined (with a written note), some pending.
    let consent = match rng.below(100) {
        0..=6 => Consent::Declined,
        7..=14 => Consent::Pending,
        _ => Consent::Accepted,
    };
    let coordinator = Some(people[team.coordinator].id.clone());
    let consent_history = match consent {
        Consent::Pending => vec![],
        decision => vec![ConsentRecord {
            date: today - Days::new(rng.between(20, 400)),
            decision,
            note: (decision == Consent::Declined).then(|| rng.pick(DECLINE_NOTES).to_string()),
            recorded_by: coordinator.clone(),
        }],
    };

    // Contacts: children first, then a relative, then the community.
    let solitary = categories.contains(&Category::Solitary);
    let childless = solitary || categories.contains(&Category::FamilyPlanningSpecial);
    let mut emergency_contacts = Vec::new();
    if !childless {
        for number in 0..rng.between(1, 2) {
            let son = rng.chance(50);
            let given = if son {
                rng.pick(YOUNGER_MALE_NAMES)
            } else {
                rng.pick(YOUNGER_FEMALE_NAMES)
            };
            let child_surname = if son || number == 0 && sex == Sex::Male {
                surname
            } else {
                rng.pick(SURNAMES)
            };
            emergency_contacts.push(EmergencyContact {
                kind: ContactKind::Child,
                name: format!("{child_surname}{given}"),
                relation: if son { "儿子" } else { "女儿" }.to_string(),
                phone: rng.mobile(),
            });
        }
    } else if rng.chance(60) {
        emergency_contacts.push(EmergencyContact {
            kind: ContactKind::Relative,
            name: format!("{surname}{}", rng.pick(YOUNGER_MALE_NAMES)),
            relation: rng.pick(&["侄子", "外甥", "侄女"]).to_string(),
            phone: rng.mobile(),
        });
    }
    if emergency_contacts.is_empty() || rng.chance(30) {
        emergency_contacts.push(EmergencyContact {
            kind: ContactKind::Community,
            name: format!("{}{}", rng.pick(SURNAMES), rng.pick(YOUNGER_FEMALE_NAMES)),
            relation: if community.village {
                "村委会主任"
            } else {
                "社区主任"
            }
            .to_string(),
            phone: if rng.chance(50) {
                rng.landline()
            } else {
                rng.mobile()
            },
        });
    }
    let phone = match rng.below(100) {
        0..=59 => Some(rng.mobile()),
        60..=84 => Some(rng.landline()),
        _ => None,
    };

    // Household.
    let lives_alone = categories.contains(&Category::LivingAlone) || solitary;
    let mut family_members = Vec::new();
    if !lives_alone && rng.chance(70) {
        let spouse_sex = if sex == Sex::Male {
            Sex::Female
        } else {
            Sex::Male
        };
        let spouse_given = if spouse_sex == Sex::Male {
            rng.pick(ELDER_MALE_NAMES)
        } else {
            rng.pick(ELDER_FEMALE_NAMES)
        };
        family_members.push(FamilyMember {
            name: format!("{}{spouse_given}", rng.pick(SURNAMES)),
            sex: Some(spouse_sex),
            id_number: None,
            relation: "配偶".to_string(),
            health: rng.pick(&["健康", "慢性病", "行动不便"]).to_string(),
            low_income_or_extremely_poor: low_income,
            visits_often: None,
        });
    }
    let receives_pension = rng.chance(92);
    let mut subsidies = Vec::new();
    if age >= 80 {
        subsidies.push(Subsidy {
            name: "高龄津贴".into(),
            monthly_yuan: Some(if age >= 90 { 100 } else { 50 }),
        });
    }
    if low_income {
        subsidies.push(Subsidy {
            name: "城乡低保".into(),
            monthly_yuan: Some(rng.between(300, 520) as u32),
        });
    }
    if disability_grade.is_some() {
        subsidies.push(Subsidy {
            name: "残疾人两项补贴".into(),
            monthly_yuan: Some(rng.between(70, 120) as u32),
        });
    }
    let living_conditions = LivingConditions {
        drinking_water_safe: Some(!rng.chance(3)),
        electricity_safe: Some(!rng.chance(4)),
        housing_safe: Some(!rng.chance(3)),
        monthly_household_income_yuan: Some(rng.between(6, 60) as u32 * 100),
        receives_pension: Some(receives_pension),
        monthly_pension_yuan: receives_pension.then(|| rng.between(150, 3200) as u32),
        subsidies,
        extremely_poor: solitary && low_income,
    };

    // Care organisation: a responsible visitor from the community's team and a backup.
    let responsible = team.volunteers[index % team.volunteers.len()];
    let backup = team.volunteers[(index + 1) % team.volunteers.len()];
    let help_received = HelpReceived {
        units: vec![
            HelpUnitKind::StreetOrResidentsCommittee,
            HelpUnitKind::Volunteer,
        ],
        unit_names: vec![format!(
            "{}{}",
            community.name,
            if community.village {
                "村委会"
            } else {
                "居委会"
            }
        )],
        responsible_person: Some(people[responsible].name.clone()),
        measures: Some("定期探访，协助代购生活用品，安全隐患排查".into()),
    };
    let detail = if community.village {
        format!("{}组{}号", rng.between(1, 9), rng.between(1, 60))
    } else {
        format!(
            "{}号楼{}单元{}室",
            rng.between(1, 24),
            rng.between(1, 4),
            rng.between(1, 6) * 100 + rng.between(1, 4)
        )
    };
    let lives_at_household_registration = !rng.chance(6);
    ElderFile {
        id: format!("e{:05}", index + 1),
        name,
        sex: Some(sex),
        ethnicity: Some(if rng.chance(97) { "汉族" } else { "回族" }.to_string()),
        id_number: Some(id_number.as_str().to_string()),
        birth_date: Some(birth),
        address: Address {
            region_code: community.code.clone(),
            city: CITY_NAME.into(),
            district: COUNTY_NAME.into(),
            street: street_name.to_string(),
            community: community.name.clone(),
            detail,
        },
        lives_at_household_registration,
        household_registration_region_code: (!lives_at_household_registration)
            .then(|| format!("{COUNTY_CODE}102202")),
        phone,
        emergency_contacts,
        categories,
        capability,
        capability_assessed_on: (capability != Capability::Unassessed)
            .then(|| today - Days::new(rng.between(30, 700))),
        bedridden,
        mobility_impaired,
        dementia,
        disability_grade,
        disability_certificate_number,
        serious_illness,
        illness_names,
        low_income,
        cohabits_with_impaired_elder,
        cares_for_impaired_child,
        consent,
        consent_history,
        family_members,
        living_conditions,
        help_received,
        responsible_visitor_id: Some(people[responsible].id.clone()),
        backup_visitor_ids: if backup != responsible {
            vec![people[backup].id.clone()]
        } else {
            vec![]
        },
        last_reverified_on: rng
            .chance(85)
            .then(|| today - Days::new(rng.between(0, 170))),
        notes: None,
        location: None,
    }
}

/// A year of visits: most months visited (more often for frail elders), the last two months
/// skipped for `overdue` elders, none for elders who declined.
fn demo_visits(
    rng: &mut Rng,
    elder: &ElderFile,
    today: NaiveDate,
    overdue: bool,
    community: &CommunitySpec,
    kinds: &KindsById,
) -> Vec<VisitRecord> {
    if elder.consent == Consent::Declined {
        return vec![];
    }
    let frail = elder.facts().impaired()
        || elder.serious_illness
        || (elder.facts().lives_alone() && age_on(elder.birth_date.unwrap(), today) >= 80);
    let mut dates = Vec::new();
    for months_ago in (0..12u32).rev() {
        if overdue && months_ago < 2 {
            continue;
        }
        let (start, end) = month_bounds(today, months_ago);
        if !rng.chance(if frail { 95 } else { 88 }) {
            continue;
        }
        let count = if frail {
            rng.between(1, 3)
        } else if rng.chance(15) {
            2
        } else {
            1
        };
        for _ in 0..count {
            dates.push(random_day(rng, start, end));
        }
    }
    dates.sort();
    make_visits(rng, elder, &dates, community, kinds)
}

/// Exactly `count` visits spread over the last 12 months.
fn scaled_visits(
    rng: &mut Rng,
    elder: &ElderFile,
    today: NaiveDate,
    count: usize,
    community: &CommunitySpec,
    kinds: &KindsById,
) -> Vec<VisitRecord> {
    let mut dates: Vec<NaiveDate> = (0..count)
        .map(|number| {
            let months_ago = (count - 1 - number) * 12 / count.max(1);
            let (start, end) = month_bounds(today, months_ago as u32);
            random_day(rng, start, end)
        })
        .collect();
    dates.sort();
    make_visits(rng, elder, &dates, community, kinds)
}

/// First day and last day (or today) of the month `months_ago` months before today's.
fn month_bounds(today: NaiveDate, months_ago: u32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("valid")
        - Months::new(months_ago);
    let last = (first + Months::new(1)) - Days::new(1);
    (first, last.min(today))
}

fn random_day(rng: &mut Rng, start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let span = (end - start).num_days().max(0) as u64;
    start + Days::new(rng.between(0, span))
}

fn make_visits(
    rng: &mut Rng,
    elder: &ElderFile,
    dates: &[NaiveDate],
    community: &CommunitySpec,
    kinds: &KindsById,
) -> Vec<VisitRecord> {
    let responsible = elder.responsible_visitor_id.clone().unwrap_or_default();
    let impaired = elder.facts().impaired();
    let mut previous_quarter = None;
    let mut visits: Vec<VisitRecord> = Vec::with_capacity(dates.len());
    for (number, &date) in dates.iter().enumerate() {
        let visitor_id = match elder.backup_visitor_ids.first() {
            Some(backup) if rng.chance(20) => backup.clone(),
            _ => responsible.clone(),
        };
        let visitor_category = kinds.get(&visitor_id).copied().unwrap_or_default();
        let mode = match rng.below(100) {
            0..=69 => VisitMode::Home,
            70..=87 => VisitMode::Phone,
            88..=93 => VisitMode::Video,
            94..=97 => VisitMode::Encounter,
            _ => VisitMode::Other,
        };
        // 天津: impaired elders get community help once a quarter.
        let quarter = (date.year(), (date.month() - 1) / 3);
        let kind = if impaired && mode == VisitMode::Home && previous_quarter != Some(quarter) {
            previous_quarter = Some(quarter);
            Kind::CommunityHelp
        } else {
            Kind::Visit
        };
        let mut visit = VisitRecord::new(rng.uuid(), &elder.id, visitor_id, date, mode);
        visit.kind = kind;
        visit.visitor_category = visitor_category;
        visit.visit_number = Some(number as u32 + 1);
        let device =
            cst_midnight_unix_millis(date) + rng.between(8 * 3600, 18 * 3600) as i64 * 1000;
        visit.device_time_ms = Some(device);
        // Most arrive within minutes; some were recorded offline and synced days later; a few
        // phones have a wrong clock.
        let delay_ms = match rng.below(100) {
            0..=79 => rng.between(1, 300) as i64 * 1000,
            80..=97 => rng.between(3600, 3 * 86400) as i64 * 1000,
            _ => -(rng.between(20, 120) as i64 * 60_000),
        };
        visit.server_time_ms = Some(device + delay_ms);
        visit.duration_minutes = Some(match mode {
            VisitMode::Home => rng.between(20, 90),
            _ => rng.between(5, 20),
        } as u32);
        let home = mode == VisitMode::Home;
        let trend = |rng: &mut Rng| match rng.below(100) {
            0..=89 => Trend::Unchanged,
            90..=97 => Trend::Better,
            _ => Trend::Worse,
        };
        visit.expression = trend(rng);
        visit.mobility = trend(rng);
        visit.mood = trend(rng);
        if home {
            visit.personal_hygiene = trend(rng);
            visit.household_hygiene = trend(rng);
            visit.indoor_environment = trend(rng);
            let safety = |rng: &mut Rng| match rng.below(100) {
                0..=93 => Safety::Safe,
                94..=98 => Safety::FairlySafe,
                _ => Safety::Unsafe,
            };
            visit.gas_safety = safety(rng);
            visit.water_heating_safety = safety(rng);
            visit.electricity_safety = safety(rng);
            visit.fire_safety = safety(rng);
        }
        if elder.serious_illness && rng.chance(40) {
            visit.illness = IllnessStatus::Serious;
            visit.illness_name = elder.illness_names.first().cloned().unwrap_or_default();
        } else if rng.chance(3) {
            visit.illness = IllnessStatus::Improved;
        }
        if rng.chance(2) {
            visit.family_size_change = if rng.chance(50) { 1 } else { -1 };
        }
        if rng.chance(5) {
            let category = *rng.pick(NeedCategory::ALL);
            let text = match category {
                NeedCategory::DailyCare => "需要助餐服务",
                NeedCategory::RehabilitationCare => "希望家庭医生上门康复指导",
                NeedCategory::EmotionalComfort => "老伴去世后情绪低落，希望多陪伴",
                NeedCategory::EmergencyRescue => "希望安装紧急呼叫器",
                NeedCategory::HomeAdaptation => "卫生间需要安装扶手",
                NeedCategory::PolicyApplication => "咨询高龄津贴申领",
                NeedCategory::Other => "需要帮助修理漏水的屋顶",
            };
            visit.needs.push(Need {
                category,
                text: text.into(),
            });
        }
        if home && rng.chance(60) {
            let kind = *rng.pick(&[
                CareServiceKind::RoomCleaning,
                CareServiceKind::Shopping,
                CareServiceKind::HealthCheck,
                CareServiceKind::SafetyCheck,
                CareServiceKind::AntiFraud,
                CareServiceKind::PolicyBriefing,
                CareServiceKind::SafetyReminder,
            ]);
            visit.care_services.push(CareService {
                kind,
                detail: String::new(),
                satisfaction: Some(if rng.chance(70) {
                    Satisfaction::VerySatisfied
                } else {
                    Satisfaction::Satisfied
                }),
            });
        }
        visit.satisfaction = Some(match rng.below(100) {
            0..=59 => Satisfaction::VerySatisfied,
            60..=92 => Satisfaction::Satisfied,
            93..=98 => Satisfaction::Neutral,
            _ => Satisfaction::Dissatisfied,
        });
        visit.family_duty_concern = !elder.emergency_contacts.is_empty() && rng.chance(1);
        if rng.chance(15) {
            visit.suggestions = "建议子女增加电话问候频次".into();
        }
        if home {
            visit.confirmation = if rng.chance(85) {
                Confirmation {
                    confirmed: true,
                    by: ConfirmedBy::Elder,
                    name: elder.name.clone(),
                    signature: None,
                    method: None,
                }
            } else {
                Confirmation {
                    confirmed: true,
                    by: ConfirmedBy::Supporter,
                    name: elder
                        .emergency_contacts
                        .first()
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| "邻居".into()),
                    signature: None,
                    method: None,
                }
            };
            visit.location = Some(Location {
                lat: community.lat + (rng.below(200) as f64 - 100.0) * 0.00005,
                lon: community.lon + (rng.below(200) as f64 - 100.0) * 0.00005,
                accuracy_m: rng.between(5, 60) as f64,
            });
        }
        visits.push(visit);
    }
    visits
}
