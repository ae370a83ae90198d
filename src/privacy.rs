//! Personal data that must not be published: 18-digit 居民身份证号 with a valid GB 11643 check
//! digit, and 11-digit mainland mobile numbers, however they are written (grouped, split by
//! any blank, dash or dot, full-width, as HTML entities). Masked forms (`4115**********1234`,
//! `138****1234`) pass; 统一社会信用代码, 索引号, 发文字号 and long serials do not trip it.

use crate::diagnostics::{Code, Diagnostic};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    IdCard,
    Mobile,
}

/// One character of the text as the scanner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An ASCII digit (full-width digits and digits written as HTML entities folded).
    Digit(u8),
    /// An ASCII letter (folded likewise); `X` ends an ID number.
    Letter(u8),
    /// What people put between the groups of a number: blanks of every width (NBSP, thin
    /// space, ideographic space), invisible ones (ZWSP, word joiner, soft hyphen, BOM),
    /// dashes and minus signs, dots and middle dots.
    Sep,
    Other,
}

fn classify(c: char) -> Class {
    let c = match c {
        // Full-width forms, common in text converted from GBK documents.
        '\u{FF10}'..='\u{FF5A}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    };
    match c {
        '0'..='9' => Class::Digit(c as u8),
        'a'..='z' | 'A'..='Z' => Class::Letter(c as u8),
        ' '
        | '\t'
        | '-'
        | '.'
        | '_'
        | '\u{00A0}'
        | '\u{00AD}'
        | '\u{00B7}'
        | '\u{2000}'..='\u{200D}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2027}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{2060}'
        | '\u{2212}'
        | '\u{3000}'
        | '\u{30FB}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FEFF}'
        | '\u{FF0D}'
        | '\u{FF0E}'
        | '\u{FF65}' => Class::Sep,
        _ => Class::Other,
    }
}

/// The character an HTML character reference at the start of `s` stands for, with its
/// length: `&#49;`, `&#x31;` and the named blanks and dashes people paste from web pages.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(16).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(n)?
    } else {
        match name {
            "nbsp" | "ensp" | "emsp" | "thinsp" | "hairsp" | "numsp" | "puncsp" => ' ',
            "ZeroWidthSpace" | "NoBreak" | "zwj" | "zwnj" | "shy" => '\u{200B}',
            "hyphen" | "dash" | "ndash" | "mdash" | "minus" | "horbar" => '-',
            "period" | "middot" | "centerdot" => '.',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// The text folded for matching: (byte offset in `text`, class) per character, entities
/// decoded.
///
/// A run of [`Class::Other`] is kept as its first character only: the scan reads nothing
/// else of it (it ends a number and resets the separators, once or many times alike), and
/// most of a Chinese text is such runs, so the list stays a fraction of the text's length.
fn normalise(text: &str) -> Vec<(usize, Class)> {
    let mut out: Vec<(usize, Class)> = Vec::new();
    let mut rest = text;
    let mut off = 0;
    while let Some(c) = rest.chars().next() {
        let (cls, len) = match c {
            '&' => match entity(rest) {
                Some((e, len)) => (classify(e), len),
                None => (Class::Other, 1),
            },
            c => (classify(c), c.len_utf8()),
        };
        if !(cls == Class::Other && matches!(out.last(), Some((_, Class::Other)))) {
            out.push((off, cls));
        }
        off += len;
        rest = &rest[len..];
    }
    out
}

/// Separators allowed between two groups of one number (`138 - 1234 - 5678`).
const MAX_SEP_RUN: usize = 3;

/// Byte offsets and kinds of personal data in `text`.
///
/// The text is normalised first ([`normalise`]): full-width digits and letters read as
/// ASCII, HTML character references decoded, every kind of blank, invisible space, dash and
/// dot read as a separator. A number is then a sequence of digit groups joined by at most
/// [`MAX_SEP_RUN`] separators; an ID card or a mobile number is found when some groups in a
/// row, starting and ending at group boundaries, make exactly its digits. Letters end a
/// group (`Tel13812345678`), except the check letter `X` of an ID number. A longer number
/// (`20160426123456789012`) is not cut into a shorter one, and groups joined by anything
/// else (`/` in a 索引号, `〔〕` in a 发文字号, letters in a 统一社会信用代码) stay apart.
pub fn scan(text: &str) -> Vec<(usize, Found)> {
    let chars = normalise(text);
    // Groups: (start offset, digits, separated from the previous group by separators only).
    let mut groups: Vec<(usize, Vec<u8>, bool)> = Vec::new();
    let mut i = 0;
    let mut joined = false;
    let mut seps = 0usize;
    while i < chars.len() {
        match chars[i].1 {
            Class::Digit(_) => {
                let start = chars[i].0;
                let mut digits = Vec::new();
                while let Some((_, Class::Digit(d))) = chars.get(i) {
                    digits.push(*d);
                    i += 1;
                }
                // The check letter of an ID number, when not the start of a word.
                if let Some((_, Class::Letter(b'x' | b'X'))) = chars.get(i) {
                    if !matches!(
                        chars.get(i + 1),
                        Some((_, Class::Letter(_) | Class::Digit(_)))
                    ) {
                        digits.push(b'X');
                        i += 1;
                    }
                }
                groups.push((start, digits, joined && seps <= MAX_SEP_RUN));
                joined = true;
                seps = 0;
                // A letter right after the group ends the number.
                if matches!(chars.get(i), Some((_, Class::Letter(_)))) {
                    joined = false;
                }
            }
            Class::Sep => {
                seps += 1;
                i += 1;
            }
            Class::Letter(_) | Class::Other => {
                joined = false;
                seps = 0;
                i += 1;
            }
        }
    }
    let mut out = Vec::new();
    let mut g = 0;
    'groups: while g < groups.len() {
        // A number may start at any group (`0376 138 1234 5678` holds a mobile) but is
        // never cut out of one longer group (`138123456789`).
        let mut digits: Vec<u8> = Vec::new();
        for (h, group) in groups.iter().enumerate().skip(g) {
            if h > g && !group.2 {
                break;
            }
            digits.extend_from_slice(&group.1);
            if digits.len() > 18 {
                break;
            }
            let found = if digits.len() == 18 && is_id_card(&digits) {
                Some(Found::IdCard)
            } else if is_mobile(&digits)
                || (digits.len() == 13 && digits.starts_with(b"86") && is_mobile(&digits[2..]))
            {
                Some(Found::Mobile)
            } else {
                None
            };
            if let Some(kind) = found {
                out.push((groups[g].0, kind));
                g = h + 1;
                continue 'groups;
            }
        }
        g += 1;
    }
    out
}

fn is_mobile(run: &[u8]) -> bool {
    run.len() == 11
        && run.iter().all(u8::is_ascii_digit)
        && run[0] == b'1'
        && (b'3'..=b'9').contains(&run[1])
}

/// GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence, check digit.
pub fn is_id_card(run: &[u8]) -> bool {
    if run.len() != 18 || !run[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let last = run[17].to_ascii_uppercase();
    if !(last.is_ascii_digit() || last == b'X') {
        return false;
    }
    // Region: first digit 1–9 (provinces 11–91 in practice).
    if !(b'1'..=b'9').contains(&run[0]) {
        return false;
    }
    let num = |r: &[u8]| r.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
    let (y, m, d) = (num(&run[6..10]), num(&run[10..12]), num(&run[12..14]));
    if !(1900..=2099).contains(&y) || chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_none() {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    let sum: u32 = run[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    C[(sum % 11) as usize] == last
}

/// E-PERSONAL-ID / E-MOBILE-NUMBER for a file name that becomes part of a URL (pages,
/// sitemap.xml, feeds) or an output file's name.
pub fn personal_data_in_name(path: &str) -> Vec<Diagnostic> {
    scan(path)
        .into_iter()
        .map(|(_, kind)| {
            let d = match kind {
                Found::IdCard => Diagnostic::new(
                    Code::PersonalId,
                    "文件名中含有居民身份证号（文件名会出现在网址和网站地图中）",
                ),
                Found::Mobile => Diagnostic::new(
                    Code::MobileNumber,
                    "文件名中含有手机号码（文件名会出现在网址和网站地图中）",
                ),
            };
            d.in_file(path)
                .with_hint("重命名文件，文件名中不要出现身份证号或手机号码")
        })
        .collect()
}

/// E-PERSONAL-ID / E-MOBILE-NUMBER for personal data in a published file.
pub fn personal_data(path: &str, text: &str) -> Vec<Diagnostic> {
    scan(text)
        .into_iter()
        .map(|(off, kind)| {
            let d = match kind {
                Found::IdCard => Diagnostic::new(Code::PersonalId, "公开内容中含有居民身份证号")
                    .with_hint("请遮盖中间位数，例如 4115**********1234"),
                Found::Mobile => Diagnostic::new(Code::MobileNumber, "公开内容中含有手机号码")
                    .with_hint("请遮盖中间四位，例如 138****1234，或改用办公电话"),
            };
            d.at(path, text, off)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_reported_where_it_stands() {
        let text = "title = \"x\"\nphone = \"13812345678\"\n";
        let d = personal_data("site-config.toml", text);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].line, d[0].col), ("E-MOBILE-NUMBER", 2, 10));
        assert!(personal_data("a.md", "138****1234").is_empty());
    }

    #[test]
    fn valid_id_card_is_found_masked_is_not() {
        // 11010519491231002X is the standard's published example.
        assert_eq!(
            scan("身份证号11010519491231002X。"),
            vec![(12, Found::IdCard)]
        );
        assert!(
            scan("身份证号110105194912310021").is_empty(),
            "wrong check digit"
        );
        assert!(scan("4115**********1234").is_empty());
        assert!(scan("1101051949123100**").is_empty());
    }

    #[test]
    fn credit_codes_and_index_numbers_pass() {
        assert!(scan("11411500005397436X/2016-00998").is_empty());
        assert!(scan("统一社会信用代码 91410000MA44XXXX0B").is_empty());
        assert!(scan("11220000013544357T/2016-00998").is_empty());
    }

    #[test]
    fn mobiles_found_in_all_usual_forms() {
        assert_eq!(scan("电话13812345678").len(), 1);
        assert_eq!(scan("电话：138-1234-5678，").len(), 1);
        assert_eq!(scan("电话 138 1234 5678").len(), 1);
        assert!(scan("138****5678").is_empty());
        assert!(scan("0376-6201234").is_empty());
        assert!(scan("12812345678").is_empty(), "no 12x mobile prefix");
        assert!(
            scan("编号138123456789").is_empty(),
            "12 digits is not a mobile"
        );
        assert!(scan("豫ICP备05017362号").is_empty());
    }

    #[test]
    fn separators_entities_and_labels_are_seen_through() {
        for text in [
            "身份证 411502 19800101 1232",
            "身份证 411502\u{A0}19800101\u{A0}1232",
            "身份证 411502-19800101-1232",
            "身份证 ４１１５０２　１９８００１０１　１２３２",
        ] {
            assert_eq!(scan(text).len(), 1, "{text:?}");
            assert_eq!(scan(text)[0].1, Found::IdCard, "{text:?}");
        }
        for text in [
            "手机 138\u{A0}1234\u{A0}5678",
            "手机 138\u{2009}1234\u{2009}5678",
            "手机 138\u{200B}1234\u{200B}5678",
            "手机 138\u{2014}1234\u{2014}5678",
            "手机 138.1234.5678",
            "手机 138-12345678",
            "手机 1381234-5678",
            "Tel13812345678",
            "tel:+86-138-1234-5678",
            "&#49;3812345678",
            "&#x31;&#x33;812345678",
            "138&nbsp;1234&nbsp;5678",
            "138 - 1234 - 5678",
            "电话 0376-6201234 13812345678",
            "13812345678 0376-6201234",
        ] {
            assert_eq!(
                scan(text).iter().map(|f| f.1).collect::<Vec<_>>(),
                [Found::Mobile],
                "{text:?}"
            );
        }
        // Offsets point at the number's first digit in the original text.
        assert_eq!(scan("电话 0376 138 1234 5678"), vec![(12, Found::Mobile)]);
    }

    #[test]
    fn negative_controls_stay_clean() {
        for text in [
            "索引号 11411500005397436X/2016-00998",
            "索引号：TESTORG/2016-00001、TESTORG/2016-13812",
            "发文字号 豫政办〔2016〕138号、测政〔2016〕1381号",
            "统一社会信用代码 91410000MA44XXXX0B、12410000MB1234567X",
            "编号 20160426123456789012",
            "流水号 2016-0426-1234-5678-9012",
            "订单 138123456789",
            "电话 0376-6201234，传真 0376 6201235",
            "ISBN 978-7-111-54534-0",
            "日期 2016.04.26，金额 1,380,000.00 元",
            "豫ICP备05017362号 豫公网安备41150202000001号",
            "&amp;13812345678x",
            "11010519491231002X1",
            "138****5678 4115**********1234",
        ] {
            assert!(scan(text).is_empty(), "{text:?}: {:?}", scan(text));
        }
    }

    #[test]
    fn full_width_and_country_code_forms_are_found() {
        // Offsets are byte offsets into the original text.
        assert_eq!(
            scan("手机：１３８１２３４５６７８"),
            vec![(9, Found::Mobile)]
        );
        assert_eq!(scan("１３８－１２３４－５６７８").len(), 1);
        assert_eq!(
            scan("身份证号１１０１０５１９４９１２３１００２Ｘ").len(),
            1
        );
        assert_eq!(scan("+8613812345678"), vec![(1, Found::Mobile)]);
        assert_eq!(scan("+86 138 1234 5678").len(), 1);
        assert!(scan("１３８＊＊＊＊５６７８").is_empty());
        assert!(
            scan("９７８７１１１５４５３４０").is_empty(),
            "ISBN is not a mobile"
        );
    }
}
