//! Splitting a Markdown file into its `+++` TOML front matter and its body.

use std::ops::Range;

/// Where the front matter and the body lie in a file's text (byte ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The TOML between the two `+++` lines.
    pub front_matter: Range<usize>,
    /// Everything after the closing `+++` line.
    pub body: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `+++` line.
    NoOpening,
    /// No closing `+++` line was found; the offset is the end of the opening line.
    NoClosing(usize),
}

/// Splits `+++\n<toml>\n+++\n<markdown>`. A UTF-8 byte-order mark and `\r\n` line ends
/// are accepted; leading blank lines are not (the file must start with `+++`).
pub fn split(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    if rest[..first_end].trim_end() != "+++" {
        return Err(SplitError::NoOpening);
    }
    let fm_start = start + first_end;
    let mut pos = fm_start;
    while pos < text.len() {
        let line_end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        if text[pos..line_end].trim_end() == "+++" {
            return Ok(Split {
                front_matter: fm_start..pos,
                body: line_end..text.len(),
            });
        }
        pos = line_end;
    }
    Err(SplitError::NoClosing(fm_start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_simple_file() {
        let t = "+++\ntitle = \"a\"\n+++\n正文\n";
        let s = split(t).unwrap();
        assert_eq!(&t[s.front_matter.clone()], "title = \"a\"\n");
        assert_eq!(&t[s.body.clone()], "正文\n");
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let t = "\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\nbody";
        let s = split(t).unwrap();
        assert_eq!(&t[s.front_matter.clone()], "title = \"a\"\r\n");
        assert_eq!(&t[s.body], "body");
    }

    #[test]
    fn reports_missing_delimiters() {
        assert_eq!(split("title = 1\n"), Err(SplitError::NoOpening));
        assert_eq!(split(""), Err(SplitError::NoOpening));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::NoClosing(4)));
        assert_eq!(split("+++"), Err(SplitError::NoClosing(3)));
    }

    #[test]
    fn plus_lines_inside_strings_close_early_but_do_not_panic() {
        let t = "+++\n+++\n+++\n";
        let s = split(t).unwrap();
        assert_eq!(s.front_matter, 4..4);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Fuzzing the splitter: any input, no panic, ranges always on char boundaries.
        #[test]
        fn never_panics(s in "(\\PC|\n|\r|\u{feff}|\\+\\+\\+\n){0,64}") {
            if let Ok(sp) = split(&s) {
                prop_assert!(s.get(sp.front_matter.clone()).is_some());
                prop_assert!(s.get(sp.body.clone()).is_some());
                prop_assert!(sp.front_matter.end <= sp.body.start);
            }
        }
    }
}
