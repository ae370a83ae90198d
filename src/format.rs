//! Small text formats every stage shares: the Chinese date and HTML escaping.

/// 2016年04月26日 (defined with the model, which formats its own dates).
pub use crate::model::cn_date;

/// HTML escaping for template variables: `& < > " '` (Tera's default also escapes `/`, which
/// bloats every URL for no safety gain inside quoted attributes).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Copy runs of safe bytes at once (the special characters are all ASCII).
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dates_and_escapes() {
        assert_eq!(
            cn_date(NaiveDate::from_ymd_opt(2016, 4, 6).unwrap()),
            "2016年04月06日"
        );
        assert_eq!(escape_html("a<b>&\"'/"), "a&lt;b&gt;&amp;&quot;&#39;/");
    }
}
