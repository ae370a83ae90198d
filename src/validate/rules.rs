//! Small, pure compliance rules used by `validate`.

/// 发文字号 in GB/T 9704-2012 form: 机关代字 + 〔年份〕 + 顺序号 + 号, no 第, no leading zero.
pub fn doc_no_well_formed(s: &str) -> bool {
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
    }
}
