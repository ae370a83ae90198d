//! Small, pure compliance rules used by `validate`.

/// 发文字号 in GB/T 9704-2012 form: 机关代字 + 〔年份〕 + 顺序号 + 号, no 第, no leading zero.
/// A 命令（令）, the form 规章 are published in, is numbered 令号 `第×号` instead
/// (`河南省人民政府令第176号`).
pub fn doc_no_well_formed(s: &str) -> bool {
    let serial =
        |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !n.starts_with('0');
    if let Some((agency, num)) = s.strip_suffix('号').and_then(|r| r.split_once("令第")) {
        return !agency.is_empty() && !agency.contains('〔') && serial(num);
    }
    let Some((agency, rest)) = s.split_once('〔') else {
        return false;
    };
    let Some((year, rest)) = rest.split_once('〕') else {
        return false;
    };
    let Some(num) = rest.strip_suffix('号') else {
        return false;
    };
    !agency.is_empty()
        && !agency.contains(['(', ')', '（', '）', '[', ']', '【', '】'])
        && year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && !num.is_empty()
        && num.chars().all(|c| c.is_ascii_digit())
        && !num.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb_t_9704_doc_numbers() {
        assert!(doc_no_well_formed("吉政办发〔2016〕24号"));
        assert!(doc_no_well_formed("营政办〔2016〕95号"));
        assert!(!doc_no_well_formed("吉政办发(2016)24号"));
        assert!(!doc_no_well_formed("中办发〔20168号"));
        assert!(!doc_no_well_formed("国办发〔2016〕第19号"));
        assert!(!doc_no_well_formed("国办发〔2016〕019号"));
        assert!(!doc_no_well_formed("国办发[2016]19号"));
        assert!(!doc_no_well_formed("〔2016〕19号"));
        // 令号 of a 命令（令）: 第×号, no year.
        assert!(doc_no_well_formed("河南省人民政府令第176号"));
        assert!(doc_no_well_formed("国务院令第711号"));
        assert!(!doc_no_well_formed("河南省人民政府令第0176号"));
        assert!(!doc_no_well_formed("令第176号"));
        assert!(!doc_no_well_formed("河南省人民政府令176号"));
    }
}

/// The part of a 索引号 after `<org_code>/`: `<year>-<serial>`, four digits, a hyphen, and
/// one to ten digits (`2016-00998`).
pub fn index_serial_well_formed(s: &str) -> bool {
    match s.split_once('-') {
        Some((year, serial)) => {
            year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && (1..=10).contains(&serial.len())
                && serial.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// A 索引号 as readers see it, for finding duplicates: full-width forms as ASCII, every
/// dash a hyphen, invisible characters and blanks dropped, letters upper-cased.
pub fn fold_index_no(s: &str) -> String {
    // Nearly every 索引号 is plain ASCII: folded by upper-casing alone (a site has 100,000).
    if s.bytes().all(|b| {
        b.is_ascii() && !(b as char).is_whitespace() && !crate::fields::is_invisible(b as char)
    }) {
        return s.to_ascii_uppercase();
    }
    s.chars()
        .filter(|c| !c.is_whitespace() && !crate::fields::is_invisible(*c))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
            c => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn index_serials_and_folding() {
        assert!(index_serial_well_formed("2016-00998"));
        for bad in [
            "abc",
            "2016",
            "2016-",
            "16-001",
            "2016-00a",
            "２０１６-001",
            "2016–001",
        ] {
            assert!(!index_serial_well_formed(bad), "{bad}");
        }
        assert_eq!(
            fold_index_no("x/２０１６\u{2010}００００１\u{200B}"),
            "X/2016-00001"
        );
        // Plain ASCII (the quick way) folds as the rest does.
        assert_eq!(
            fold_index_no("11220000ab/2016-00001"),
            "11220000AB/2016-00001"
        );
        assert_eq!(fold_index_no(" ab/2016 -\t00001\x0b"), "AB/2016-00001");
    }
}
