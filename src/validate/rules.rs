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
