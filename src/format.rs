//! Small text formats every stage shares: the Chinese date, HTML escaping, and the
//! line-per-file text of the cache files.

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

/// The text of one line per item, `line` writing each (without its newline), formatted on
/// every core: the cache files of a 100,000-document site have 250,000 lines.
pub fn lines<T: Sync>(items: &[T], line: impl Fn(&mut String, &T) + Sync) -> String {
    use rayon::prelude::*;
    let chunks: Vec<String> = items
        .par_chunks(8192)
        .map(|chunk| {
            let mut s = String::with_capacity(chunk.len() * 80);
            for item in chunk {
                line(&mut s, item);
                s.push('\n');
            }
            s
        })
        .collect();
    chunks.concat()
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

    #[test]
    fn lines_are_in_order_across_chunks() {
        let items: Vec<usize> = (0..20_000).collect();
        let text = lines(&items, |s, i| s.push_str(&i.to_string()));
        let want: String = items.iter().map(|i| format!("{i}\n")).collect();
        assert_eq!(text, want);
        assert_eq!(lines(&[] as &[usize], |_, _| {}), "");
    }
}
