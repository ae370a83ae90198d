//! Text normalisation and tokens of the search index. `assets/search-core.js` does exactly the
//! same to a query, so both sides must change together (`tests/e2e/search-relevance.test.mjs`
//! runs real queries through the real index files).
//!
//! - Folding, one UTF-16 code unit to one (so an offset in the folded text is an offset in the
//!   original): full-width ASCII (`Ｐ２０１６（）`) to half-width, `〔〕【】` to `[]`, the
//!   ideographic space to a space, `A-Z` to `a-z`.
//! - Tokens: in a run of Chinese characters, every character (for 1-character queries) and
//!   every pair of adjacent characters (the bigrams of Lucene's `cjk_bigram`); a run of ASCII
//!   letters and digits is one token (its first [`MAX_WORD`] characters). Everything else
//!   separates.

/// Longest indexed ASCII word, in characters (longer runs keep their start).
pub const MAX_WORD: usize = 32;

/// The folded form of one character (see the module docs).
pub fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            let h = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            h.to_ascii_lowercase()
        }
        '\u{3000}' => ' ',
        '〔' | '【' | '〖' => '[',
        '〕' | '】' | '〗' => ']',
        _ => c.to_ascii_lowercase(),
    }
}

/// Chinese characters: the CJK Unified Ideographs blocks, compatibility ideographs and 〇.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// One token of indexed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// One Chinese character.
    Uni(char),
    /// Two adjacent Chinese characters.
    Bi(char, char),
    /// A folded ASCII word (letters and digits).
    Word(&'a str),
}

impl Token<'_> {
    /// The token as the index stores it (the dictionary key).
    pub fn text(&self) -> String {
        match *self {
            Token::Uni(c) => c.to_string(),
            Token::Bi(a, b) => [a, b].iter().collect(),
            Token::Word(w) => w.to_string(),
        }
    }
}

/// Calls `f` with every token of `text`, in order. Linear in the length of `text`.
pub fn tokens(text: &str, mut f: impl FnMut(Token<'_>)) {
    let mut word = String::new();
    let mut word_len = 0;
    let mut prev_han: Option<char> = None;
    for c in text.chars().map(fold) {
        if c.is_ascii_alphanumeric() {
            prev_han = None;
            if word_len < MAX_WORD {
                word.push(c);
                word_len += 1;
            }
            continue;
        }
        if !word.is_empty() {
            f(Token::Word(&word));
            word.clear();
            word_len = 0;
        }
        if is_han(c) {
            f(Token::Uni(c));
            if let Some(p) = prev_han {
                f(Token::Bi(p, c));
            }
            prev_han = Some(c);
        } else {
            prev_han = None;
        }
    }
    if !word.is_empty() {
        f(Token::Word(&word));
    }
}

/// FNV-1a, 32 bits, of UTF-8 bytes: which dictionary shard a term lives in (the client computes
/// the same).
pub fn fnv32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1a, 64 bits: names of the files that hold one large posting list.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokens(text, |t| out.push(t.text()));
        out
    }

    #[test]
    fn folding_keeps_lengths_and_unifies_forms() {
        let a: String = "吉政办发〔2016〕24号（ＰＰＰ）".chars().map(fold).collect();
        assert_eq!(a, "吉政办发[2016]24号(ppp)");
        let b: String = "吉政办发[２０１６]２４号".chars().map(fold).collect();
        assert_eq!(b, "吉政办发[2016]24号");
        for c in "〔〕（）ＡＺａ０　【】".chars() {
            assert_eq!(c.len_utf16(), fold(c).len_utf16(), "{c}");
        }
    }

    #[test]
    fn chinese_gives_characters_and_pairs_ascii_gives_words() {
        assert_eq!(
            all("政务公开PPP项目2016年"),
            [
                "政", "务", "政务", "公", "务公", "开", "公开", "ppp", "项", "目", "项目", "2016",
                "年"
            ]
        );
        assert_eq!(
            all("吉政办发〔2016〕24号"),
            ["吉", "政", "吉政", "办", "政办", "发", "办发", "2016", "24", "号"]
        );
        // Punctuation separates: no pair across it.
        assert_eq!(all("甲，乙"), ["甲", "乙"]);
        assert_eq!(all(&"a".repeat(100)), ["a".repeat(MAX_WORD)]);
    }

    #[test]
    fn hashes_match_the_reference_values() {
        // The client's implementation is checked against the same values.
        assert_eq!(fnv32(b""), 0x811c_9dc5);
        assert_eq!(fnv32(b"a"), 0xe40c_292c);
        assert_eq!(fnv64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
