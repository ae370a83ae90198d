//! Personal data that must not be published: 18-digit 居民身份证号 with a valid GB 11643 check
//! digit, and 11-digit mainland mobile numbers. Masked forms (`4115**********1234`,
//! `138****1234`) pass; 统一社会信用代码 and 索引号 do not trip it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    IdCard,
    Mobile,
}

/// Byte offsets and kinds of personal data in `text`.
///
/// Full-width digits and letters (`１３８１２３４５６７８`, common in text converted from
/// GBK documents) are read as their ASCII forms; `+86`/`86` before a mobile number is allowed.
pub fn scan(text: &str) -> Vec<(usize, Found)> {
    // One byte per char: ASCII as is, full-width forms folded to ASCII, anything else 0xFF
    // (neither a digit, a letter nor a separator); `offsets` maps back to `text`.
    let mut b = Vec::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    for (off, c) in text.char_indices() {
        let folded = match c {
            '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}'
            | '\u{FF0D}' => (c as u32 - 0xFEE0) as u8,
            '\u{3000}' => b' ',
            c if c.is_ascii() => c as u8,
            _ => 0xFF,
        };
        b.push(folded);
        offsets.push(off);
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        // A maximal run of ASCII letters and digits.
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let run = &b[start..i];
        if run.len() == 18 && is_id_card(run) {
            out.push((offsets[start], Found::IdCard));
        } else if run.len() == 11 && is_mobile(run) {
            out.push((offsets[start], Found::Mobile));
        } else if run.len() == 13 && run.starts_with(b"86") && is_mobile(&run[2..]) {
            // 8613812345678, +8613812345678
            out.push((offsets[start], Found::Mobile));
        } else if run.len() == 3 && run.iter().all(u8::is_ascii_digit) && run[0] == b'1' {
            // 138-1234-5678 or 138 1234 5678
            if let Some(len) = split_mobile(&b[start..]) {
                out.push((offsets[start], Found::Mobile));
                i = start + len;
            }
        }
    }
    out
}

fn is_mobile(run: &[u8]) -> bool {
    run.iter().all(u8::is_ascii_digit) && run[0] == b'1' && (b'3'..=b'9').contains(&run[1])
}

fn split_mobile(b: &[u8]) -> Option<usize> {
    // 3 digits, sep, 4 digits, same sep, 4 digits, then no digit/letter.
    if b.len() < 13 || !(b'3'..=b'9').contains(&b[1]) {
        return None;
    }
    let sep = b[3];
    if sep != b'-' && sep != b' ' {
        return None;
    }
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    if b.len() >= 13
        && digits(&b[4..8])
        && b[8] == sep
        && b.len() >= 13
        && digits(&b[9..13])
        && b.get(13).is_none_or(|c| !c.is_ascii_alphanumeric())
    {
        Some(13)
    } else {
        None
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
