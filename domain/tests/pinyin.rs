//! Name search by pinyin: table tests through one `check` helper each.
#![cfg(feature = "pinyin")]

use expect_test::{expect, Expect};
use tanfang_domain::pinyin::{initials, initials_from_key, matches, search_key, NameQuery};

/// One line per name: the name, its initials and its search key.
fn check_keys(names: &[&str], expected: Expect) {
    let actual: String = names
        .iter()
        .map(|name| format!("{name}: {} [{}]\n", initials(name), search_key(name)))
        .collect();
    expected.assert_eq(&actual);
}

/// One line per query: which of the names it finds.
fn check_search(names: &[&str], queries: &[&str], expected: Expect) {
    let keys: Vec<String> = names.iter().map(|name| search_key(name)).collect();
    let actual: String = queries
        .iter()
        .map(|query| {
            let found: Vec<&str> = names
                .iter()
                .zip(&keys)
                .filter(|(name, key)| matches(query, name, key))
                .map(|(name, _)| *name)
                .collect();
            format!("{query:?} → {}\n", found.join(" "))
        })
        .collect();
    expected.assert_eq(&actual);
}

#[test]
fn keys_and_initials() {
    check_keys(
        &[
            "张三",
            "李四",
            "王秀英",
            "单田芳",
            "曾国藩",
            "解晓东",
            "仇英",
            "区小梅",
            "吕乐",
            "尉迟恭",
            "万俟卨",
            "长孙无忌",
            "阿依古丽·买买提",
            "Anna李",
        ],
        expect![[r#"
            张三: zs [zhang san]
            李四: ls [li si]
            王秀英: wxy [wang|yu xiu ying|yang]
            单田芳: stf [shan|dan|chan tian fang]
            曾国藩: zgf [zeng|ceng guo fan]
            解晓东: xxd [xie|jie xiao dong]
            仇英: qy [qiu|chou|ju ying|yang]
            区小梅: oxm [ou|qu xiao mei]
            吕乐: ll [lv|lu le|yue]
            尉迟恭: ycg [yu|wei|yun chi gong]
            万俟卨: mqx [mo|wan qi|si xie]
            长孙无忌: zswj [zhang|chang sun wu|mo ji]
            阿依古丽·买买提: ayglmmt [a|e yi gu|ku li mai mai ti|di|chi|shi]
            Anna李: al [anna li]
        "#]],
    );
}

#[test]
fn initials_need_no_table() {
    assert_eq!(initials_from_key("shan|dan|chan tian fang"), "stf");
    assert_eq!(initials_from_key(""), "");
}

#[test]
fn search() {
    check_search(
        &[
            "张三",
            "张山",
            "赵四",
            "单田芳",
            "曾国藩",
            "吕乐",
            "王秀英",
            "钟书",
        ],
        &[
            "",
            "zs",
            "ZS",
            "z s",
            "zhangsan",
            "zhangs",
            "zhs",
            "zsan",
            "san",
            "zz",
            "s",
            "stf",
            "dtf",
            "shantian",
            "zgf",
            "cgf",
            "lvl",
            "lul",
            "lyue",
            "wxy",
            "wangxiuying",
            "xiuy",
            "张",
            "三",
            "芳",
            "x",
            "wxyz",
            "1",
        ],
        expect![[r#"
            "" → 张三 张山 赵四 单田芳 曾国藩 吕乐 王秀英 钟书
            "zs" → 张三 张山 赵四 钟书
            "ZS" → 张三 张山 赵四 钟书
            "z s" → 张三 张山 赵四 钟书
            "zhangsan" → 张三
            "zhangs" → 张三 张山
            "zhs" → 张三 张山 赵四 钟书
            "zsan" → 张三
            "san" → 张三
            "zz" → 
            "s" → 张三 张山 赵四 单田芳 钟书
            "stf" → 单田芳
            "dtf" → 单田芳
            "shantian" → 单田芳
            "zgf" → 曾国藩
            "cgf" → 曾国藩
            "lvl" → 吕乐
            "lul" → 吕乐
            "lyue" → 吕乐
            "wxy" → 王秀英
            "wangxiuying" → 王秀英
            "xiuy" → 王秀英
            "张" → 张三 张山
            "三" → 张三
            "芳" → 单田芳
            "x" → 王秀英
            "wxyz" → 
            "1" → 
        "#]],
    );
}

/// Queries of 64 bytes and more take the long path of the matcher.
#[test]
fn long_queries() {
    let name = format!("{}李", "a".repeat(70));
    let key = search_key(&name);
    assert!(matches(&"a".repeat(70), &name, &key));
    assert!(matches(&format!("{}l", "a".repeat(70)), &name, &key));
    assert!(matches(&format!("{}li", "a".repeat(65)), &name, &key));
    assert!(!matches(&format!("{}lix", "a".repeat(70)), &name, &key));
    assert!(!matches(&"a".repeat(71), &name, &key));
    let query = NameQuery::new(" Z S ");
    assert!(query.matches("张三", &search_key("张三")));
    assert!(!query.is_empty());
}

#[cfg(not(target_arch = "wasm32"))]
/// The matcher's definition, written naively: some start group, then each group in turn
/// consumes a non-empty prefix of one of its readings, until the query is used up.
fn reference_matches(query: &str, key: &str) -> bool {
    fn from(query: &[u8], groups: &[Vec<&str>]) -> bool {
        if query.is_empty() {
            return true;
        }
        let Some((group, rest)) = groups.split_first() else {
            return false;
        };
        group.iter().any(|reading| {
            (1..=reading.len().min(query.len()))
                .any(|n| reading.as_bytes()[..n] == query[..n] && from(&query[n..], rest))
        })
    }
    let groups: Vec<Vec<&str>> = key.split(' ').map(|g| g.split('|').collect()).collect();
    let query = query.to_ascii_lowercase();
    (0..groups.len()).any(|start| from(query.as_bytes(), &groups[start..]))
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;

    proptest::proptest! {
        /// The fast matcher agrees with the naive definition.
        #[test]
        fn matcher_agrees_with_its_definition(name in "[\u{4e00}-\u{9fa5}]{1,4}", query in "[a-z]{1,8}") {
            let key = search_key(&name);
            proptest::prop_assert_eq!(matches(&query, &name, &key), reference_matches(&query, &key), "{} {}", query, key);
        }
    }

    proptest::proptest! {
        /// Every name is found by its own initials and by its own key's first readings joined.
        #[test]
        fn a_name_is_found_by_its_initials(name in "[\u{4e00}-\u{9fa5}]{1,4}") {
            let key = search_key(&name);
            let first_readings: String = key.split(' ').map(|g| g.split('|').next().unwrap()).collect();
            proptest::prop_assert!(matches(&initials(&name), &name, &key));
            proptest::prop_assert!(matches(&first_readings, &name, &key));
            proptest::prop_assert!(matches(&name, &name, &key));
        }
    }
}

#[test]
fn registry_search_by_name_initials_or_address() {
    let key = search_key("王秀英");
    let address = "天津市和平区蓝天大街12号B座";
    let found = |q: &str| NameQuery::new(q).matches_name_or_address("王秀英", &key, address);
    // Name, pinyin initials, full pinyin, as in the name search.
    assert!(found("秀英"));
    assert!(found("wxy"));
    assert!(found("wangxiuying"));
    // Address: Chinese text, digits, ASCII letters in any case.
    assert!(found("蓝天大街"));
    assert!(found("12号"));
    assert!(found("b座"));
    assert!(found(""));
    // Neither.
    assert!(!found("新津"));
    assert!(!found("zs"));
    assert!(!found("13号"));
}
