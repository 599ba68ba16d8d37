//! Demo data for `POST /api/dev/seed` (only when `DEV_SEED=1`): a region tree, ~200 elder
//! files, visits, and one account per role with known passwords.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tanfang_domain::elder::{
    Address, Capability, Category, Consent, ContactKind, ElderFile, EmergencyContact, Sex,
};
use tanfang_domain::policy::VisitMode;
use tanfang_domain::visit::VisitRecord;

pub const DEMO_PASSWORD: &str = "tanfang-demo-1";

#[derive(Clone, Debug)]
pub struct SeedRegion {
    pub code: &'static str,
    pub name: &'static str,
    pub level: &'static str,
    pub parent: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeedAccount {
    pub login: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub volunteer_kind: Option<&'static str>,
    pub region_code: Option<&'static str>,
    pub group_id: Option<&'static str>,
    pub school: Option<&'static str>,
    pub class_name: Option<&'static str>,
    pub student_number: Option<&'static str>,
}

pub struct SeedElder {
    pub file: ElderFile,
    pub responsible: Option<&'static str>,
    pub backup: Option<&'static str>,
}

pub struct SeedGroup {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub paired_region_code: &'static str,
}

pub struct Dataset {
    pub policy: &'static str,
    pub regions: Vec<SeedRegion>,
    pub groups: Vec<SeedGroup>,
    pub accounts: Vec<SeedAccount>,
    pub elders: Vec<SeedElder>,
    /// (record, visitor login)
    pub visits: Vec<(VisitRecord, &'static str)>,
}

pub const XINJIN: &str = "120101001001";
pub const FUMING: &str = "120101001002";
pub const LANTIAN: &str = "120101002001";
pub const NANYINGMEN: &str = "120101002002";

/// The demo accounts' mobile numbers (SMS sign-in, issue 17): `139000000NN`, in seed order.
pub fn demo_mobile(index: usize) -> String {
    format!("1390000{:04}", index + 1)
}

fn account(
    login: &'static str,
    name: &'static str,
    role: &'static str,
    region: Option<&'static str>,
) -> SeedAccount {
    SeedAccount {
        login,
        name,
        role,
        volunteer_kind: (role == "volunteer").then_some("volunteer"),
        region_code: region,
        group_id: None,
        school: None,
        class_name: None,
        student_number: None,
    }
}

/// The demo data set as of `today`. Deterministic.
pub fn dataset(today: NaiveDate) -> Dataset {
    let regions = vec![
        SeedRegion {
            code: "120000000000",
            name: "天津市",
            level: "province",
            parent: None,
        },
        SeedRegion {
            code: "120100000000",
            name: "市辖区",
            level: "city",
            parent: Some("120000000000"),
        },
        SeedRegion {
            code: "120101000000",
            name: "和平区",
            level: "district",
            parent: Some("120100000000"),
        },
        SeedRegion {
            code: "120101001000",
            name: "劝业场街道",
            level: "street",
            parent: Some("120101000000"),
        },
        SeedRegion {
            code: "120101002000",
            name: "小白楼街道",
            level: "street",
            parent: Some("120101000000"),
        },
        SeedRegion {
            code: XINJIN,
            name: "新津社区",
            level: "community",
            parent: Some("120101001000"),
        },
        SeedRegion {
            code: FUMING,
            name: "福明社区",
            level: "community",
            parent: Some("120101001000"),
        },
        SeedRegion {
            code: LANTIAN,
            name: "蓝天社区",
            level: "community",
            parent: Some("120101002000"),
        },
        SeedRegion {
            code: NANYINGMEN,
            name: "南营门社区",
            level: "community",
            parent: Some("120101002000"),
        },
    ];
    let groups = vec![SeedGroup {
        id: "grp-heping-enterprise",
        name: "和平爱心企业志愿队",
        kind: "enterprise",
        paired_region_code: XINJIN,
    }];
    let mut accounts = vec![
        account("admin", "系统管理员", "admin", None),
        account(
            "district",
            "王区长（和平区协调员）",
            "coordinator",
            Some("120101000000"),
        ),
        account(
            "coord",
            "李主任（新津社区协调员）",
            "coordinator",
            Some(XINJIN),
        ),
        account(
            "coord2",
            "赵主任（蓝天社区协调员）",
            "coordinator",
            Some(LANTIAN),
        ),
        account("volunteer1", "张志愿", "volunteer", Some(XINJIN)),
        account("volunteer2", "刘志愿", "volunteer", Some(XINJIN)),
        account("volunteer3", "陈志愿", "volunteer", Some(LANTIAN)),
        account("volunteer4", "杨志愿", "volunteer", Some(XINJIN)),
        account("volunteer5", "黄志愿", "volunteer", Some(XINJIN)),
        account("volunteer6", "孙志愿", "volunteer", Some(XINJIN)),
    ];
    accounts.push(SeedAccount {
        volunteer_kind: Some("student"),
        school: Some("天津市第二十中学"),
        class_name: Some("高二（3）班"),
        student_number: Some("2024030117"),
        ..account("student1", "周同学", "volunteer", Some(FUMING))
    });
    accounts.push(SeedAccount {
        group_id: Some("grp-heping-enterprise"),
        volunteer_kind: None,
        ..account(
            "group1",
            "吴经理（企业志愿队）",
            "group_admin",
            Some(XINJIN),
        )
    });
    accounts.push(SeedAccount {
        group_id: Some("grp-heping-enterprise"),
        volunteer_kind: Some("enterprise"),
        ..account("member1", "郑员工", "volunteer", Some(XINJIN))
    });

    const SURNAMES: [&str; 16] = [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
        "林",
    ];
    const GIVEN: [&str; 20] = [
        "桂兰", "秀英", "淑珍", "玉梅", "凤英", "建国", "德明", "志强", "国华", "文华", "玉兰",
        "福生", "长林", "金凤", "秀珍", "振华", "宝山", "素芬", "庆云", "树林",
    ];
    let communities = [
        (XINJIN, "劝业场街道", "新津社区", "新津路"),
        (FUMING, "劝业场街道", "福明社区", "福明里"),
        (LANTIAN, "小白楼街道", "蓝天社区", "蓝天大街"),
        (NANYINGMEN, "小白楼街道", "南营门社区", "南营门街"),
    ];
    let mut elders = Vec::new();
    let mut n: u32 = 0;
    for (community_index, (code, street, community, road)) in communities.iter().enumerate() {
        for i in 0..50u32 {
            n += 1;
            let mix = n.wrapping_mul(2_654_435_761) >> 7;
            let birth = NaiveDate::from_ymd_opt(
                1930 + (mix % 34) as i32,
                1 + (mix / 34 % 12),
                1 + (mix / 408 % 28),
            )
            .expect("valid date");
            let id_number = tanfang_domain::id_number::make_id_number("120101", birth, 100 + n);
            let sex = id_number.sex();
            let categories = match mix % 5 {
                0 => vec![Category::LivingAlone],
                1 => vec![Category::EmptyNest],
                2 => vec![Category::Solitary, Category::LivingAlone],
                3 => vec![Category::LeftBehind],
                _ => vec![Category::EmptyNest, Category::FamilyPlanningSpecial],
            };
            let capability = match mix / 5 % 6 {
                0 => Capability::Intact,
                1 => Capability::Mild,
                2 => Capability::Moderate,
                3 => Capability::Severe,
                4 => Capability::Intact,
                _ => Capability::Unassessed,
            };
            let name = format!(
                "{}{}",
                SURNAMES[(mix % 16) as usize],
                GIVEN[((mix / 16) % 20) as usize]
            );
            let file = ElderFile {
                id: format!("elder-{:03}", n),
                name,
                sex: Some(sex),
                id_number: Some(id_number.as_str().to_string()),
                birth_date: Some(birth),
                address: Address {
                    region_code: code.to_string(),
                    city: "天津市".into(),
                    district: "和平区".into(),
                    street: street.to_string(),
                    community: community.to_string(),
                    detail: format!(
                        "{road}{}号{}门{}室",
                        1 + i % 30,
                        1 + i % 4,
                        101 + (i % 6) * 100
                    ),
                },
                lives_at_household_registration: !mix.is_multiple_of(7),
                household_registration_region_code: mix
                    .is_multiple_of(7)
                    .then(|| "120102001001".to_string()),
                phone: Some(format!("022-2{:07}", 3_000_000 + n * 17)),
                emergency_contacts: vec![
                    EmergencyContact {
                        kind: ContactKind::Child,
                        name: format!(
                            "{}小{}",
                            SURNAMES[(mix % 16) as usize],
                            if sex == Sex::Female { "红" } else { "明" }
                        ),
                        relation: if mix.is_multiple_of(2) {
                            "儿子".into()
                        } else {
                            "女儿".into()
                        },
                        phone: format!("139{:08}", 20_000_000 + n * 7919),
                    },
                    EmergencyContact {
                        kind: ContactKind::Community,
                        name: format!("{community}居委会"),
                        relation: "社区".into(),
                        phone: format!("022-2{:07}", 7_000_000 + community_index as u32),
                    },
                ],
                categories,
                capability,
                bedridden: capability == Capability::Unassessed && mix.is_multiple_of(2),
                mobility_impaired: capability == Capability::Unassessed && mix % 2 == 1,
                dementia: mix.is_multiple_of(23),
                disability_grade: if mix.is_multiple_of(11) {
                    Some(1 + (mix % 4) as u8)
                } else {
                    None
                },
                disability_certificate_number: if mix.is_multiple_of(11) {
                    Some(format!("{}{}{}", id_number.as_str(), 4, 1 + mix % 4))
                } else {
                    None
                },
                low_income: mix.is_multiple_of(9),
                consent: if n.is_multiple_of(17) {
                    Consent::Declined
                } else {
                    Consent::Accepted
                },
                living_conditions: tanfang_domain::elder::LivingConditions {
                    monthly_household_income_yuan: Some(1200 + (mix % 30) * 100),
                    receives_pension: Some(true),
                    monthly_pension_yuan: Some(900 + (mix % 20) * 50),
                    ..Default::default()
                },
                ..Default::default()
            };
            let (responsible, backup) = match (community_index, i) {
                (0, 0..=9) => (Some("volunteer1"), Some("volunteer2")),
                (0, 10..=19) => (Some("volunteer2"), Some("volunteer1")),
                (0, 20..=24) => (Some("member1"), Some("volunteer4")),
                (0, 25..=29) => (Some("volunteer4"), None),
                (0, 30..=34) => (Some("volunteer6"), None),
                (0, 35..=36) => (Some("volunteer5"), None),
                (1, 0..=7) => (Some("student1"), None),
                (2, 0..=9) => (Some("volunteer3"), None),
                _ => (None, None),
            };
            elders.push(SeedElder {
                file,
                responsible,
                backup,
            });
        }
    }

    // Visits: last month for most assigned elders, this month for some.
    let mut visits = Vec::new();
    let this_month_start = today.with_day(1).expect("day 1");
    let last_month_day = this_month_start - chrono::Duration::days(12);
    for (index, elder) in elders.iter().enumerate() {
        let Some(visitor) = elder.responsible else {
            continue;
        };
        if elder.file.consent == Consent::Declined {
            continue;
        }
        let mode = if index % 3 == 0 {
            VisitMode::Phone
        } else {
            VisitMode::Home
        };
        let record = VisitRecord::new(
            format!("seed-visit-{:04}-a", index),
            elder.file.id.clone(),
            visitor,
            last_month_day,
            mode,
        );
        visits.push((record, visitor));
        if index % 2 == 0 && today.day() > 1 {
            let record = VisitRecord::new(
                format!("seed-visit-{:04}-b", index),
                elder.file.id.clone(),
                visitor,
                this_month_start,
                VisitMode::Home,
            );
            visits.push((record, visitor));
        }
    }
    Dataset {
        policy: "tianjin",
        regions,
        groups,
        accounts,
        elders,
        visits,
    }
}
