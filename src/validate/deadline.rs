//! Reading the free-text 完成时限 of a 工作台账 row into a due date.
//!
//! Ledgers write deadlines the way people do: `2016年12月底前`, `2016 年12底前完成`
//! (the 月 dropped), `7月底前启动9月底前完成`, `中考3 月 高考11 月`, `2017年第1季度`,
//! `全年工作`, `及时公开`, `长期推进`.  [`parse_deadline`] scans the text for
//! every date it mentions and picks one:
//!
//! * a date followed by 启动 / 开始 / 起 / 以来 / 后 is a *start* date; it is
//!   used only when the text gives no completion date (`7月底前启动` + `长期推进`);
//! * of the completion dates, the latest is the due date: a range
//!   (`2016年6月—12月`) is due at its end, and a cell listing several
//!   deliverables (`中考3月` / `高考11月`) is due when the last one is;
//!   trailing text without a date (`，并长期坚持`) changes nothing;
//! * text with no date (及时公开, 长期推进, 每季度, 按省部署实施 …) gives `None`.
//!
//! Precision: a month means its last day (`12月`, `12月底`, `12月底前`), a day
//! that day (`7月20日前`), a quarter its last day (`第1季度`, `二季度末`),
//! 上半年 June 30, 下半年 / 年底 / 年内 / 全年 / a bare year December 31.
//! `X月前` (no 底) is read literally, “before month X”: the last day of month
//! X−1.  上旬 / 月初 → the 10th, 月中 → the 15th, 中旬 → the 20th, 下旬 → month end.
//! A date without a year takes the year of the previous date in the same text,
//! else the ledger's year; a range that wraps (`11月至2月`) moves to the next year.

use chrono::{Datelike, NaiveDate};

/// Due date from a deadline cell as written in a 台账, given the ledger's year (the year of its `updated` date).
/// None when the text states no date (及时公开, 长期推进, 持续推进, 按省部署实施, 长期坚持 …).
pub fn parse_deadline(text: &str, ledger_year: i32) -> Option<NaiveDate> {
    let chars = normalize(text);
    let mut scanner = Scanner {
        s: &chars,
        i: 0,
        ledger_year,
        ctx_year: None,
        last: None,
        mentions: Vec::new(),
    };
    scanner.run();
    let mentions = scanner.mentions;
    mentions
        .iter()
        .filter(|m| !m.start)
        .map(|m| m.date)
        .max()
        .or_else(|| mentions.iter().map(|m| m.date).max())
}

/// Full-width digits and punctuation to ASCII; each run of white space to one
/// space (so `2016 年` and `6 月` still read, but separate numbers stay apart).
fn normalize(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '／' => '/',
            '－' => '-',
            '～' => '~',
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => continue,
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && out.last() == Some(&' ') {
            continue;
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, Copy)]
struct Mention {
    date: NaiveDate,
    start: bool,
}

/// Where the previous date ended and which month it named, for ranges.
#[derive(Debug, Clone, Copy)]
struct Last {
    end: usize,
    year: i32,
    month: u32,
}

/// A number as written: ASCII digits or Chinese numerals.
#[derive(Debug, Clone, Copy)]
struct Number {
    value: u64,
    /// Digits written (二〇一六 and 2016 both 4; 十二 counts as 2).
    digits: usize,
    end: usize,
}

struct Scanner<'a> {
    s: &'a [char],
    i: usize,
    ledger_year: i32,
    /// Year of the last date that named one.
    ctx_year: Option<i32>,
    last: Option<Last>,
    mentions: Vec<Mention>,
}

const RANGE_CONNECTORS: &[char] = &['至', '到', '—', '–', '-', '~', '―', '－', '－'];
const START_WORDS: &[&str] = &["启动", "开始", "起", "以来", "以后", "之后", "后"];
const BEFORE_WORDS: &[&str] = &["以前", "之前", "前", "为止", "止"];

impl Scanner<'_> {
    fn run(&mut self) {
        while self.i < self.s.len() {
            if !self.step() {
                self.i += 1;
            }
        }
    }

    fn at(&self, j: usize) -> Option<char> {
        self.s.get(j).copied()
    }

    fn starts_with(&self, j: usize, word: &str) -> bool {
        (j..).zip(word.chars()).all(|(k, c)| self.at(k) == Some(c))
    }

    /// The first of `words` found at `j`, and the position after it.
    fn match_any(&self, j: usize, words: &[&str]) -> Option<usize> {
        words
            .iter()
            .find(|w| self.starts_with(j, w))
            .map(|w| j + w.chars().count())
    }

    fn skip_space(&self, mut j: usize) -> usize {
        while self.at(j) == Some(' ') {
            j += 1;
        }
        j
    }

    /// Tries to read something at `self.i`; true when it advanced.
    fn step(&mut self) -> bool {
        let i = self.i;
        let Some(c) = self.at(i) else { return false };

        // Periodic: 每季度, 每月, 每半年, 每一季度, 每两个月 … name no due date.
        // 每年 only drops “每年”, so 每年12月底前 still reads as 12月底.
        if c == '每' {
            let mut j = i + 1;
            if let Some(n) = self.number(j) {
                j = n.end;
            }
            j = self.match_any(j, &["个", "半"]).unwrap_or(j);
            j = self
                .match_any(
                    j,
                    &[
                        "季度", "季", "年度", "年", "月", "周", "星期", "旬", "日", "天",
                    ],
                )
                .unwrap_or(j);
            self.i = j;
            return true;
        }
        if self.starts_with(i, "上半年") {
            let y = self.implicit_year();
            let end = self.suffix(i + 3);
            self.push_ymd(y, 6, 30, end, false);
            return true;
        }
        if self.starts_with(i, "下半年") || self.starts_with(i, "全年") {
            let y = self.implicit_year();
            let len = if c == '下' { 3 } else { 2 };
            let end = self.suffix(i + len);
            self.push_ymd(y, 12, 31, end, false);
            return true;
        }
        // 半年, 半年内: a duration, not this year's end.
        if self.starts_with(i, "半年") {
            self.i = i + 2;
            return true;
        }
        // 今年底, 明年上半年, 上年度 …: a relative year and what follows it.
        let relative: [(&str, i64); 7] = [
            ("今年", 0),
            ("本年", 0),
            ("当年", 0),
            ("明年", 1),
            ("次年", 1),
            ("去年", -1),
            ("上年", -1),
        ];
        for (word, delta) in relative {
            if self.starts_with(i, word) {
                let year = i32::try_from(i64::from(self.ledger_year) + delta).ok();
                let after = i + 2;
                match year {
                    Some(y) => {
                        if !self.period_after_year(y, after, false) {
                            self.i = after;
                        }
                    }
                    None => self.i = after,
                }
                return true;
            }
        }
        // 年底前, 年内, 年末: the current year's end.
        if c == '年' {
            let j = if self.at(i + 1) == Some('度') {
                i + 2
            } else {
                i + 1
            };
            if let Some(after) = self.match_any(j, &["底", "末", "终", "内"]) {
                let y = self.implicit_year();
                let end = self.suffix(after);
                self.push_ymd(y, 12, 31, end, false);
                return true;
            }
            return false;
        }
        if c == '第' {
            if let Some(n) = self.number(i + 1) {
                let j = self.skip_space(n.end);
                if self.starts_with(j, "季度") || self.at(j) == Some('季') {
                    let y = self.implicit_year();
                    self.quarter(y, n, j);
                    return true;
                }
            }
            return false;
        }
        if self.iso_date(i) {
            return true;
        }
        if let Some(n) = self.number(i) {
            self.after_number(n, i);
            return true;
        }
        // A run of numerals that is no number (十十, 一十二十): skip it whole,
        // so that long runs cost linear time.
        let mut j = i;
        while self
            .at(j)
            .is_some_and(|c| chinese_digit(c).is_some() || c == '十')
        {
            j += 1;
        }
        if j > i {
            self.i = j;
            return true;
        }
        false
    }

    /// The year for a date that names none.
    fn implicit_year(&self) -> i32 {
        self.ctx_year.unwrap_or(self.ledger_year)
    }

    /// Reads a number at `j`: a run of ASCII digits, or of Chinese numerals
    /// (一…九, 〇/零, 两, and 十 in 十, 十二, 二十, 二十一 forms).
    fn number(&self, j: usize) -> Option<Number> {
        let first = self.at(j)?;
        if first.is_ascii_digit() {
            let mut k = j;
            let mut value: u64 = 0;
            while let Some(d) = self.at(k).and_then(|c| c.to_digit(10)) {
                value = value.saturating_mul(10).saturating_add(u64::from(d));
                k += 1;
            }
            return Some(Number {
                value,
                digits: k - j,
                end: k,
            });
        }
        chinese_digit(first).or(if first == '十' { Some(10) } else { None })?;
        let mut k = j;
        while self
            .at(k)
            .is_some_and(|c| chinese_digit(c).is_some() || c == '十')
        {
            k += 1;
        }
        let run = &self.s[j..k];
        let value = if let Some(pos) = run.iter().position(|&c| c == '十') {
            let (tens, rest) = (&run[..pos], &run[pos + 1..]);
            if tens.len() > 1 || rest.len() > 1 || rest.contains(&'十') {
                return None;
            }
            let t = tens.first().map_or(Some(1), |&c| chinese_digit(c))?;
            let u = rest.first().map_or(Some(0), |&c| chinese_digit(c))?;
            t * 10 + u
        } else {
            let mut value: u64 = 0;
            for &c in run {
                value = value.saturating_mul(10).saturating_add(chinese_digit(c)?);
            }
            value
        };
        Some(Number {
            value,
            digits: run.len(),
            end: k,
        })
    }

    /// What a number at `start` means, by the unit after it.
    fn after_number(&mut self, n: Number, start: usize) {
        let j = self.skip_space(n.end);
        match self.at(j) {
            Some('年') => {
                let year = (n.digits == 4)
                    .then(|| i32::try_from(n.value).ok())
                    .flatten()
                    .filter(|y| (1..=9999).contains(y));
                match year {
                    Some(y) => {
                        self.period_after_year(y, j + 1, true);
                    }
                    // 3年内, 两年: a duration.
                    None => self.i = j + 1,
                }
            }
            Some('月') => {
                let y = self.year_for_month(n.value, start);
                self.month(y, n.value, j + 1);
            }
            Some('季') => {
                let y = self.implicit_year();
                self.quarter(y, n, j);
            }
            Some('日' | '号') => {
                // A day after a range connector: 7月1日—20日.
                let in_range = self.last.filter(|l| self.only_connectors(l.end, start));
                let end = self.suffix(j + 1);
                if let Some(l) = in_range {
                    let start_flag = self.is_start(end);
                    if let Ok(day) = u32::try_from(n.value) {
                        self.push_ymd(l.year, l.month, day, end, start_flag);
                    }
                }
                self.i = end.max(j + 1);
            }
            // 3个工作日, 6个月: a duration.
            Some('个') => self.i = j + 1,
            _ => self.i = n.end,
        }
    }

    /// After `年` (at `j`) of year `y`: a month, quarter, half or end of year.
    /// A bare year (`确保2016年落实到位`) is its last day when `bare_ok`.
    /// Returns false when nothing was read (and `self.i` is untouched).
    fn period_after_year(&mut self, y: i32, j: usize, bare_ok: bool) -> bool {
        let j = if self.at(j) == Some('度') { j + 1 } else { j };
        let j = self.skip_space(j);
        if self.starts_with(j, "上半年") {
            self.ctx_year = Some(y);
            let end = self.suffix(j + 3);
            self.push_ymd(y, 6, 30, end, false);
            return true;
        }
        if self.starts_with(j, "下半年") || self.starts_with(j, "全年") {
            self.ctx_year = Some(y);
            let len = if self.at(j) == Some('下') { 3 } else { 2 };
            let end = self.suffix(j + len);
            self.push_ymd(y, 12, 31, end, false);
            return true;
        }
        if let Some(after) = self.match_any(j, &["底", "末", "终", "内"]) {
            self.ctx_year = Some(y);
            let end = self.suffix(after);
            let start_flag = self.is_start(end);
            self.push_ymd(y, 12, 31, end, start_flag);
            return true;
        }
        let (k, ordinal) = if self.at(j) == Some('第') {
            (j + 1, true)
        } else {
            (j, false)
        };
        if let Some(n) = self.number(k) {
            let u = self.skip_space(n.end);
            if self.starts_with(u, "季度") || self.at(u) == Some('季') {
                self.ctx_year = Some(y);
                self.quarter(y, n, u);
                return true;
            }
            if !ordinal {
                match self.at(u) {
                    Some('月') => {
                        self.ctx_year = Some(y);
                        self.month(y, n.value, u + 1);
                        return true;
                    }
                    // 2016年12底前: the 月 left out.
                    Some('底' | '末') => {
                        self.ctx_year = Some(y);
                        let end = self.suffix(u + 1);
                        if let Some(m) = valid_month(n.value) {
                            let start_flag = self.is_start(end);
                            self.push_month_end(y, m, end, start_flag);
                        } else {
                            self.i = end;
                        }
                        return true;
                    }
                    _ => {}
                }
            }
        }
        if !bare_ok {
            return false;
        }
        self.ctx_year = Some(y);
        let end = self.suffix(j);
        // 自2016年起: a bare year as a start says nothing about a due date.
        if self.is_start(end) {
            self.i = end;
        } else {
            self.push_ymd(y, 12, 31, end, false);
        }
        true
    }

    /// Year for a month written without one: the year in context, moved on by
    /// one when a range wraps (`11月至2月`).
    fn year_for_month(&self, month: u64, start: usize) -> i32 {
        let y = self.implicit_year();
        match self.last {
            Some(l) if u64::from(l.month) > month && self.only_connectors(l.end, start) => {
                l.year.checked_add(1).unwrap_or(y)
            }
            _ => y,
        }
    }

    /// Whether `s[from..to]` is nothing but range connectors (and at least one).
    fn only_connectors(&self, from: usize, to: usize) -> bool {
        from < to
            && to <= self.s.len()
            && self.s[from..to]
                .iter()
                .all(|c| RANGE_CONNECTORS.contains(c) || *c == ' ')
            && self.s[from..to]
                .iter()
                .any(|c| RANGE_CONNECTORS.contains(c))
    }

    /// After `月` (at `j`) of month `m` in year `y`.
    fn month(&mut self, y: i32, m: u64, j: usize) {
        let j = if self.at(j) == Some('份') { j + 1 } else { j };
        let j = self.skip_space(j);
        let Some(m) = valid_month(m) else {
            self.i = self.suffix(j);
            return;
        };
        // A day: 7月20日, 7月20号.
        if let Some(n) = self.number(j) {
            let u = self.skip_space(n.end);
            if matches!(self.at(u), Some('日' | '号')) {
                let end = self.suffix(u + 1);
                let start_flag = self.is_start(end);
                match u32::try_from(n.value).ok() {
                    Some(d) => self.push_ymd(y, m, d, end, start_flag),
                    None => self.i = end,
                }
                return;
            }
        }
        // X月前 (no 底): before month X begins.
        if let Some(after) = self.match_any(j, &["以前", "之前", "前"]) {
            let end = self.suffix(after);
            let start_flag = self.is_start(end);
            let date = NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt());
            self.push(date, y, m, end, start_flag);
            return;
        }
        let (day, after) = if let Some(after) = self.match_any(j, &["上旬", "初"]) {
            (Some(10), after)
        } else if let Some(after) = self.match_any(j, &["中旬"]) {
            (Some(20), after)
        } else if let Some(after) = self.match_any(j, &["中"]) {
            (Some(15), after)
        } else if let Some(after) = self.match_any(j, &["下旬", "底", "末", "终", "内"]) {
            (None, after)
        } else {
            (None, j)
        };
        let end = self.suffix(after);
        let start_flag = self.is_start(end);
        match day {
            Some(d) => self.push_ymd(y, m, d, end, start_flag),
            None => self.push_month_end(y, m, end, start_flag),
        }
    }

    /// A quarter number `n`; `j` is at `季度` / `季`.
    fn quarter(&mut self, y: i32, n: Number, j: usize) {
        let after = self.match_any(j, &["季度", "季"]).unwrap_or(j + 1);
        let after = self.match_any(after, &["末", "底", "内"]).unwrap_or(after);
        let end = self.suffix(after);
        let start_flag = self.is_start(end);
        match n.value {
            1..=4 => {
                let m = (n.value as u32) * 3;
                self.push_month_end(y, m, end, start_flag);
            }
            _ => self.i = end,
        }
    }

    /// ISO-like numeric dates: 2016-12-31, 2016/7/20, 2016.12.31, 2016-12.
    fn iso_date(&mut self, i: usize) -> bool {
        let Some(y) = self.number(i) else {
            return false;
        };
        if y.digits != 4 || !self.at(i).is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
        let Some(sep) = self.at(y.end).filter(|c| matches!(c, '-' | '/' | '.')) else {
            return false;
        };
        let Some(m) = self
            .number(y.end + 1)
            .filter(|n| n.digits <= 2 && self.at(y.end + 1).is_some_and(|c| c.is_ascii_digit()))
        else {
            return false;
        };
        let Some(month) = valid_month(m.value) else {
            return false;
        };
        let year = y.value as i32; // four digits
        let mut end = m.end;
        let mut day = None;
        if self.at(end) == Some(sep) {
            if let Some(d) = self
                .number(end + 1)
                .filter(|n| n.digits <= 2 && self.at(end + 1).is_some_and(|c| c.is_ascii_digit()))
            {
                day = Some(d.value);
                end = d.end;
            }
        }
        // Not part of a longer number or a Chinese date (2016-2017年).
        if self
            .at(end)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '日'))
        {
            return false;
        }
        let end = self.suffix(end);
        let start_flag = self.is_start(end);
        self.ctx_year = Some(year);
        match day {
            Some(d) => match u32::try_from(d) {
                Ok(d) => self.push_ymd(year, month, d, end, start_flag),
                Err(_) => self.i = end,
            },
            None => self.push_month_end(year, month, end, start_flag),
        }
        true
    }

    /// Skips 前 / 以前 / 之前 / 为止 / 止 after a date.
    fn suffix(&self, j: usize) -> usize {
        let j = self.skip_space(j);
        self.match_any(j, BEFORE_WORDS).unwrap_or(j)
    }

    /// Whether the date that ended at `j` is followed by a start word (启动, 起 …).
    fn is_start(&self, j: usize) -> bool {
        let j = self.skip_space(j);
        self.match_any(j, START_WORDS).is_some()
    }

    fn push_month_end(&mut self, y: i32, m: u32, end: usize, start_flag: bool) {
        self.push(last_day_of_month(y, m), y, m, end, start_flag);
    }

    fn push_ymd(&mut self, y: i32, m: u32, d: u32, end: usize, start_flag: bool) {
        self.push(NaiveDate::from_ymd_opt(y, m, d), y, m, end, start_flag);
    }

    /// Records a date (an impossible one, like 2月30日, is dropped) and moves on.
    fn push(&mut self, date: Option<NaiveDate>, y: i32, m: u32, end: usize, start_flag: bool) {
        if let Some(date) = date {
            self.mentions.push(Mention {
                date,
                start: start_flag,
            });
        }
        self.last = Some(Last {
            end,
            year: y,
            month: m,
        });
        self.i = end.max(self.i + 1);
    }
}

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn valid_month(m: u64) -> Option<u32> {
    (1..=12).contains(&m).then_some(m as u32)
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y.checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    match next {
        Some(n) => n.pred_opt(),
        // December of the last representable year.
        None => first.with_day(31),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    /// Ledger year of all three seed ledgers (信阳, 湛江, 营口 — all 2016).
    const Y: i32 = 2016;

    // ── Forms found in the seed ledgers ────────────────────────────────────

    #[test]
    fn seed_000_year_month_end_without_before() {
        // 000 信阳市2016年政务公开工作要点台账, 完成时限 column: “2016年12月底” (26 rows),
        // “2016年10月底”, “2016年8月底”, “2016年7月底”.
        assert_eq!(parse_deadline("2016年12月底", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年10月底", Y), d(2016, 10, 31));
        assert_eq!(parse_deadline("2016年8月底", Y), d(2016, 8, 31));
        assert_eq!(parse_deadline("2016年7月底", Y), d(2016, 7, 31));
    }

    #[test]
    fn seed_000_year_month_end_before() {
        // 000 body text: “（责任单位：市编办牵头落实。 完成时限：2016年12月底前）”,
        // also “完成时限：2016年10月底前”, “…7月底前”, “…8月底前”.
        assert_eq!(parse_deadline("2016年12月底前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年10月底前", Y), d(2016, 10, 31));
        assert_eq!(parse_deadline("2016年7月底前", Y), d(2016, 7, 31));
        assert_eq!(parse_deadline("2016年8月底前", Y), d(2016, 8, 31));
        assert_eq!(
            parse_deadline("（责任单位：市编办牵头落实。 完成时限：2016年12月底前）", Y),
            d(2016, 12, 31)
        );
    }

    #[test]
    fn seed_000_day_before() {
        // 000 台账 row 28 “公布2016年度政务公开工作要点工作方案和台账”: “2016年7月20日前”.
        assert_eq!(parse_deadline("2016年7月20日前", Y), d(2016, 7, 20));
        assert_eq!(parse_deadline("2016年7月20日", Y), d(2016, 7, 20));
    }

    #[test]
    fn seed_000_timely_and_periodic_have_no_date() {
        // 000 台账: “及时公开” (19 rows), “定期公开” (住房公积金年度报告);
        // body text “完成时限：及时公开”.
        assert_eq!(parse_deadline("及时公开", Y), None);
        assert_eq!(parse_deadline("定期公开", Y), None);
        assert_eq!(
            parse_deadline("（责任单位：市审计局牵头落实。完成时限：及时公开）", Y),
            None
        );
    }

    #[test]
    fn seed_004_body_day_before() {
        // 004 body text: “请各地区、各部门于2016年12月5日前，对照上述要点要求…”.
        assert_eq!(parse_deadline("2016年12月5日前", Y), d(2016, 12, 5));
    }

    #[test]
    fn seed_002_completed_before_month_end() {
        // 002 湛江 分解表, 完成时限 column: “2016年12月底前完成” (10 rows),
        // “2016年6月底前完成”, “2016年7月底前完成”.
        assert_eq!(parse_deadline("2016年12月底前完成", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年6月底前完成", Y), d(2016, 6, 30));
        assert_eq!(parse_deadline("2016年7月底前完成", Y), d(2016, 7, 31));
    }

    #[test]
    fn seed_002_space_between_year_and_month() {
        // 002: “2016 年12月底前完成” (5 rows), “2016 年3月底前完成”, “2016 年5月底前完成”,
        // “2016 年7月底前完成”, “2016 年9月底前完成”, “2016 年6 月底前完成”.
        assert_eq!(parse_deadline("2016 年12月底前完成", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016 年3月底前完成", Y), d(2016, 3, 31));
        assert_eq!(parse_deadline("2016 年5月底前完成", Y), d(2016, 5, 31));
        assert_eq!(parse_deadline("2016 年7月底前完成", Y), d(2016, 7, 31));
        assert_eq!(parse_deadline("2016 年9月底前完成", Y), d(2016, 9, 30));
        assert_eq!(parse_deadline("2016 年6 月底前完成", Y), d(2016, 6, 30));
    }

    #[test]
    fn seed_002_month_without_yue() {
        // 002: “2016 年12底前完成” (扶贫 row 2) and “2017 年12底前完成” — the 月 left out.
        assert_eq!(parse_deadline("2016 年12底前完成", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2017 年12底前完成", Y), d(2017, 12, 31));
    }

    #[test]
    fn seed_002_year_end() {
        // 002: “2016年底前完成”.
        assert_eq!(parse_deadline("2016年底前完成", Y), d(2016, 12, 31));
    }

    #[test]
    fn seed_002_whole_year_work() {
        // 002: “全年工作” (29 rows) — due by the end of the ledger's year.
        assert_eq!(parse_deadline("全年工作", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("全年工作", 2017), d(2017, 12, 31));
    }

    #[test]
    fn seed_002_quarter_of_next_year() {
        // 002: “2017 年第1季度完成” (扶贫 row 4) and “2017年第1季度前完成” (评估 row).
        assert_eq!(parse_deadline("2017 年第1季度完成", Y), d(2017, 3, 31));
        assert_eq!(parse_deadline("2017年第1季度前完成", Y), d(2017, 3, 31));
    }

    #[test]
    fn seed_002_two_reports_before_month() {
        // 002 审计 row 5 “公开2016 年度上半年和下半年…跟踪审计结果报告”:
        // “2016年8月前\n2017年2月前”.  X月前 is before month X begins; the row is
        // due when its last report is.
        assert_eq!(parse_deadline("2016年8月前", Y), d(2016, 7, 31));
        assert_eq!(parse_deadline("2017年2月前", Y), d(2017, 1, 31));
        assert_eq!(
            parse_deadline("2016年8月前\n2017年2月前", Y),
            d(2017, 1, 31)
        );
    }

    #[test]
    fn seed_002_two_months_on_two_lines() {
        // 002 教育 row “公布进城务工人员随迁子女参加中考、高考的报考条件”: “中考3 月\n高考11 月”.
        assert_eq!(parse_deadline("中考3 月", Y), d(2016, 3, 31));
        assert_eq!(parse_deadline("中考3 月\n高考11 月", Y), d(2016, 11, 30));
    }

    #[test]
    fn seed_002_date_then_more_text() {
        // 002 减税降费 row 2: “2016 年12月底前完成，后续不定期进行目录调整”.
        assert_eq!(
            parse_deadline("2016 年12月底前完成，后续不定期进行目录调整", Y),
            d(2016, 12, 31)
        );
    }

    #[test]
    fn seed_002_date_after_text() {
        // 002 预决算 row 1: “按预算法规定时限完成。全部县（市、区）的部门决算公开完成时限为2016年12月底前”.
        assert_eq!(
            parse_deadline(
                "按预算法规定时限完成。全部县（市、区）的部门决算公开完成时限为2016年12月底前",
                Y
            ),
            d(2016, 12, 31)
        );
    }

    #[test]
    fn seed_002_following_higher_level_have_no_date() {
        // 002: “按省发展改革委部署实施”, “按照省法制办部署实施”, “按省制订的方案要求执行”,
        // “按环境保护部修订发布后的时间要求完成”, “收到国家、省税收政策文件后及时转发”,
        // and the many empty cells of merged rows.
        for text in [
            "按省发展改革委部署实施",
            "按照省法制办部署实施",
            "按省制订的方案要求执行",
            "按环境保护部修订发布后的时间要求完成",
            "收到国家、省税收政策文件后及时转发",
            "",
            "\t",
        ] {
            assert_eq!(parse_deadline(text, Y), None, "{text:?}");
        }
    }

    #[test]
    fn seed_003_start_then_complete() {
        // 003 营口 明细表, 完成时限 column: “7月底前启动\n9月底前完成\n长期推进” (19 rows),
        // “7月底前启动\n9月底前完成” (2 rows); year from the ledger.
        assert_eq!(
            parse_deadline("7月底前启动\n9月底前完成\n长期推进", Y),
            d(2016, 9, 30)
        );
        assert_eq!(
            parse_deadline("7月底前启动\n9月底前完成", Y),
            d(2016, 9, 30)
        );
        assert_eq!(
            parse_deadline("  7月底前启动\n  9月底前完成\n  长期推进", 2017),
            d(2017, 9, 30)
        );
    }

    #[test]
    fn seed_003_start_and_complete_run_together() {
        // 003 row 10 “做好政策文件清理结果公开工作”: “7月底前启动9月底前完成\n长期推进”.
        assert_eq!(
            parse_deadline("7月底前启动9月底前完成\n长期推进", Y),
            d(2016, 9, 30)
        );
    }

    #[test]
    fn seed_003_complete_then_ongoing() {
        // 003: “9月底前完成\n长期推进” (7 rows), “7月底前完成” (审计), “年底前完成” (网上审批平台).
        assert_eq!(parse_deadline("9月底前完成\n长期推进", Y), d(2016, 9, 30));
        assert_eq!(parse_deadline("7月底前完成", Y), d(2016, 7, 31));
        assert_eq!(parse_deadline("年底前完成", Y), d(2016, 12, 31));
    }

    #[test]
    fn seed_003_start_only() {
        // 003 rows 1–2: “7月底前启动\n长期推进”; row 3: “7月底前启动\n每季度发布\n长期推进”.
        // The start date is the only date stated, so it is what the row can be held to.
        assert_eq!(parse_deadline("7月底前启动\n长期推进", Y), d(2016, 7, 31));
        assert_eq!(
            parse_deadline("7月底前启动\n每季度发布\n长期推进", Y),
            d(2016, 7, 31)
        );
    }

    #[test]
    fn seed_003_ongoing_has_no_date() {
        // 003: “长期推进” (5 rows alone), “每季度发布”.
        assert_eq!(parse_deadline("长期推进", Y), None);
        assert_eq!(parse_deadline("每季度发布", Y), None);
    }

    #[test]
    fn seed_001_mangled_date_is_not_guessed() {
        // 001 body text: “…在市县两级政府门户网站集中公开,1220日前将要点落实情况…”
        // (“12月20日” with the 月 lost).  A bare number of days is not a date.
        assert_eq!(parse_deadline("1220日前", Y), None);
        // Durations in the seeds: “20个工作日内”, “3个工作日内”, “24小时内”, “3年内”.
        assert_eq!(parse_deadline("本要点公布后20个工作日内", Y), None);
        assert_eq!(parse_deadline("文件公开后3个工作日内", Y), None);
        assert_eq!(parse_deadline("24小时内举行新闻发布会", Y), None);
        assert_eq!(
            parse_deadline("按省政府要求在3年内对全市政务公开工作人员轮训一遍", Y),
            None
        );
    }

    // ── Forms from the brief and other common ledger wording ─────────────────

    #[test]
    fn month_forms() {
        assert_eq!(parse_deadline("2016年12月", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("12月底前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("12月底前", 2019), d(2019, 12, 31));
        assert_eq!(parse_deadline("2月底前", 2016), d(2016, 2, 29));
        assert_eq!(parse_deadline("2月底前", 2017), d(2017, 2, 28));
        assert_eq!(parse_deadline("2016年12月份", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年12月末", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年1月前", Y), d(2015, 12, 31));
        assert_eq!(parse_deadline("2016年6月上旬", Y), d(2016, 6, 10));
        assert_eq!(parse_deadline("2016年6月中旬前", Y), d(2016, 6, 20));
        assert_eq!(parse_deadline("2016年6月下旬", Y), d(2016, 6, 30));
        assert_eq!(parse_deadline("2016年6月中", Y), d(2016, 6, 15));
    }

    #[test]
    fn day_forms() {
        assert_eq!(parse_deadline("2016年12月31日前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("9月30日", Y), d(2016, 9, 30));
        assert_eq!(parse_deadline("9月30号前", Y), d(2016, 9, 30));
        assert_eq!(parse_deadline("2016-12-31", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016/7/20", Y), d(2016, 7, 20));
        assert_eq!(parse_deadline("2016.12.31前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016-09", Y), d(2016, 9, 30));
    }

    #[test]
    fn quarter_and_half_year_forms() {
        assert_eq!(parse_deadline("一季度", Y), d(2016, 3, 31));
        assert_eq!(parse_deadline("第二季度末", Y), d(2016, 6, 30));
        assert_eq!(parse_deadline("三季度", Y), d(2016, 9, 30));
        assert_eq!(parse_deadline("第4季度", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2017年第1季度", Y), d(2017, 3, 31));
        assert_eq!(parse_deadline("2017年一季度末前", Y), d(2017, 3, 31));
        assert_eq!(parse_deadline("上半年", Y), d(2016, 6, 30));
        assert_eq!(parse_deadline("下半年", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2017年上半年", Y), d(2017, 6, 30));
        assert_eq!(parse_deadline("第5季度", Y), None);
    }

    #[test]
    fn year_forms() {
        assert_eq!(parse_deadline("年底前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("年内", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("年内完成", 2020), d(2020, 12, 31));
        assert_eq!(parse_deadline("全年", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年内", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年度内", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("确保2016年落实到位", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("今年底前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("明年上半年", Y), d(2017, 6, 30));
        assert_eq!(
            parse_deadline("2017年1月启动，年底前完成", Y),
            d(2017, 12, 31)
        );
        // 半年, 每年 are not this year's end.
        assert_eq!(parse_deadline("半年内", Y), None);
        assert_eq!(parse_deadline("每半年公开一次", Y), None);
    }

    #[test]
    fn first_date_then_ongoing() {
        assert_eq!(
            parse_deadline("2016年10月底前完成，并长期坚持", Y),
            d(2016, 10, 31)
        );
        assert_eq!(
            parse_deadline("2016年9月底前出台，持续推进", Y),
            d(2016, 9, 30)
        );
    }

    #[test]
    fn ranges_take_the_later_end() {
        assert_eq!(parse_deadline("2016年6月—12月", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年6月-12月", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("6—12月", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("2016年6月至2017年3月", Y), d(2017, 3, 31));
        assert_eq!(parse_deadline("2016年11月至2月", Y), d(2017, 2, 28));
        assert_eq!(parse_deadline("2016年7月1日—20日", Y), d(2016, 7, 20));
        assert_eq!(
            parse_deadline("2016年6月启动，12月底前完成", Y),
            d(2016, 12, 31)
        );
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(parse_deadline("十二月", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("三月底", Y), d(2016, 3, 31));
        assert_eq!(parse_deadline("十月底前", Y), d(2016, 10, 31));
        assert_eq!(parse_deadline("二〇一六年十二月底前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("二零一七年三月二十一日", Y), d(2017, 3, 21));
        assert_eq!(parse_deadline("七月三十一日前", Y), d(2016, 7, 31));
        assert_eq!(parse_deadline("十二月十日", Y), d(2016, 12, 10));
    }

    #[test]
    fn full_width_digits() {
        assert_eq!(parse_deadline("２０１６年１２月底前", Y), d(2016, 12, 31));
        assert_eq!(parse_deadline("２０１６年７月２０日前", Y), d(2016, 7, 20));
        assert_eq!(
            parse_deadline("\u{3000}２０１６\u{3000}年\u{3000}６月底", Y),
            d(2016, 6, 30)
        );
    }

    #[test]
    fn no_date_stated() {
        for text in [
            "每季度",
            "每月",
            "每月底前",
            "每一季度",
            "及时公开",
            "长期推进",
            "持续推进",
            "按省部署实施",
            "长期坚持",
            "常态化",
            "随时",
            "定期",
            "第一时间",
            "五公开",
            "十八大",
            "自2016年起每季度应向社会公开",
        ] {
            assert_eq!(parse_deadline(text, Y), None, "{text:?}");
        }
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "",
            "年",
            "月",
            "日",
            "季度",
            "第",
            "每",
            "底前",
            "2016年13月",
            "2016年0月",
            "2016年2月30日",
            "2016年2月0日",
            "2016年12月99999999999999999999日",
            "99999999999999999999年",
            "99999999999999999999月",
            "9999年12月底",
            "0000年1月",
            "十十月",
            "一二三四五六七八九十年",
            "2016-13-01",
            "2016-02-30",
            "2016--",
            "—至~-",
            "🎉📅2016年🎉",
            "\u{0}\u{FEFF}\u{200B}",
            "２０１６",
        ] {
            let _ = parse_deadline(text, Y);
            let _ = parse_deadline(text, i32::MAX);
            let _ = parse_deadline(text, i32::MIN);
            let _ = parse_deadline(text, 0);
        }
        assert_eq!(parse_deadline("年", Y), None);
        assert_eq!(parse_deadline("2016年13月", Y), None);
        assert_eq!(parse_deadline("2016年2月30日", Y), None);
        assert_eq!(parse_deadline("2016-02-30", Y), None);
        assert_eq!(parse_deadline("🎉📅", Y), None);
        assert_eq!(parse_deadline("12月底前", i32::MAX), None);
        assert_eq!(parse_deadline("9999年12月底", Y), d(9999, 12, 31));
        let long = "长期推进，".repeat(20_000) + "2016年12月底前";
        assert_eq!(parse_deadline(&long, Y), d(2016, 12, 31));
        let tens = "十".repeat(100_000);
        assert_eq!(parse_deadline(&tens, Y), None);
        let ones = "一".repeat(100_000) + "月";
        assert_eq!(parse_deadline(&ones, Y), None);
        let firsts = "第".repeat(100_000);
        assert_eq!(parse_deadline(&firsts, Y), None);
        let digits = "7".repeat(100_000);
        assert_eq!(parse_deadline(&digits, Y), None);
        let months = "12月".repeat(50_000);
        assert_eq!(parse_deadline(&months, Y), d(2016, 12, 31));
    }

    #[test]
    fn random_input_never_panics() {
        // A small deterministic generator over the characters the parser cares about.
        let alphabet: Vec<char> = "0123456789０１２年月日号底末前后内起启动完成季度第上下半全每个旬初中至—-~/. 〇零一二三四五六七八九十两今明去本当份以之止长期推进🎉a\n"
            .chars()
            .collect();
        let mut state: u64 = 0x2016_1231;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let year = [2016, 0, -1, i32::MAX, i32::MIN, 9999][(next() % 6) as usize];
            let _ = parse_deadline(&text, year);
        }
    }
}
