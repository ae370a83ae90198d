//! The Chinese official working-day calendar (放假调休).
//!
//! Every year the General Office of the State Council publishes a notice on
//! holiday arrangements (国务院办公厅关于××年部分节假日安排的通知) that declares
//! which days are off and which weekend days become working days (调休上班).
//! Those notices for 2016–2026 are transcribed in `data/holidays.toml`, which is
//! embedded into the binary and parsed once on first use.
//!
//! A day is a working day when it is a declared working day, or when it is a
//! Monday–Friday that is not a declared holiday.  Compliance checks such as
//! “解读材料 within 3 working days of the policy” use [`Calendar::workdays_after`].

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The shipped data file, embedded at compile time.
const OFFICIAL_TOML: &str = include_str!("../data/holidays.toml");

/// A working-day calendar: weekends off, Monday–Friday on, except for
/// declared holidays and declared (调休) working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Days declared off.
    holidays: BTreeSet<NaiveDate>,
    /// Days declared working days (weekend days moved by 调休, or site additions).
    workdays: BTreeSet<NaiveDate>,
    /// Years for which an official notice is transcribed.
    years: BTreeSet<i32>,
}

/// Why a holiday data file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CalendarError(String);

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "holiday calendar: {}", self.0)
    }
}

impl std::error::Error for CalendarError {}

impl Calendar {
    /// The official calendar embedded from data/holidays.toml via include_str!("../data/holidays.toml").
    ///
    /// Parsed once (cached in a `OnceLock`); later calls only clone the cached
    /// sets.  Never panics: should the embedded file ever fail to parse, the
    /// result is a plain Monday–Friday calendar that covers no year, so callers
    /// warn as they would outside 2016–2026 (a unit test keeps the shipped file
    /// parseable).
    pub fn official() -> Calendar {
        static OFFICIAL: OnceLock<Calendar> = OnceLock::new();
        OFFICIAL
            .get_or_init(|| Calendar::from_toml_str(OFFICIAL_TOML).unwrap_or_default())
            .clone()
    }

    /// Adds site-configured extra working days and holidays (site-config can declare local adjustments).
    ///
    /// Site declarations override the official data: an extra working day is
    /// removed from the holidays and an extra holiday from the working days.  A
    /// date given in both lists ends up a holiday.
    pub fn with_extra(mut self, workdays: &[NaiveDate], holidays: &[NaiveDate]) -> Calendar {
        for d in workdays {
            self.holidays.remove(d);
            self.workdays.insert(*d);
        }
        for d in holidays {
            self.workdays.remove(d);
            self.holidays.insert(*d);
        }
        self
    }

    /// Whether `d` is a working day: a declared working day is, a declared
    /// holiday is not, otherwise Monday–Friday are.
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            true
        } else if self.holidays.contains(&d) {
            false
        } else {
            is_weekday(d)
        }
    }

    /// Working days strictly after `from` up to and including `to` (0 when to <= from).
    /// E.g. policy published Friday, interpretation Monday => 1.
    pub fn workdays_after(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        let span = (to - from).num_days();
        // Monday–Friday in (from, to]: five per whole week, then the remainder.
        let mut count = span / 7 * 5;
        for k in 1..=(span % 7) {
            // k <= span, so from + k <= to: always representable.
            if let Some(d) = from.checked_add_days(Days::new(k as u64)) {
                if is_weekday(d) {
                    count += 1;
                }
            }
        }
        // Declared working days win over declared holidays (see `is_workday`).
        let range = (
            std::ops::Bound::Excluded(from),
            std::ops::Bound::Included(to),
        );
        count += self
            .workdays
            .range(range)
            .filter(|d| !is_weekday(**d))
            .count() as i64;
        count -= self
            .holidays
            .range(range)
            .filter(|d| is_weekday(**d) && !self.workdays.contains(d))
            .count() as i64;
        count
    }

    /// Whether the calendar has official data for this year (so callers can warn outside 2016–2026).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Parses a holiday data file in the format of `data/holidays.toml`:
    /// tables keyed by year, each with `holidays` and `workdays` arrays of
    /// TOML local dates.
    pub(crate) fn from_toml_str(text: &str) -> Result<Calendar, CalendarError> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| CalendarError(format!("not valid TOML: {e}")))?;
        let mut cal = Calendar::default();
        for (key, value) in &table {
            let year: i32 = key
                .trim()
                .parse()
                .map_err(|_| CalendarError(format!("table key `{key}` is not a year")))?;
            let entry = value
                .as_table()
                .ok_or_else(|| CalendarError(format!("[{key}] is not a table")))?;
            if let Some(unknown) = entry.keys().find(|k| *k != "holidays" && *k != "workdays") {
                return Err(CalendarError(format!(
                    "[{key}] has unknown key `{unknown}`"
                )));
            }
            for d in dates(entry, key, "holidays")? {
                cal.holidays.insert(d);
            }
            for d in dates(entry, key, "workdays")? {
                cal.workdays.insert(d);
            }
            cal.years.insert(year);
        }
        if let Some(both) = cal.holidays.intersection(&cal.workdays).next() {
            return Err(CalendarError(format!(
                "{both} is listed both as a holiday and as a working day"
            )));
        }
        Ok(cal)
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The dates of `[year].name`; a missing array is empty.
fn dates(entry: &toml::Table, year: &str, name: &str) -> Result<Vec<NaiveDate>, CalendarError> {
    let Some(value) = entry.get(name) else {
        return Ok(Vec::new());
    };
    let array = value
        .as_array()
        .ok_or_else(|| CalendarError(format!("[{year}].{name} is not an array")))?;
    array
        .iter()
        .map(|v| {
            let bad = || {
                CalendarError(format!(
                    "[{year}].{name}: `{v}` is not a date like 2016-01-01"
                ))
            };
            let dt = v.as_datetime().ok_or_else(bad)?;
            if dt.time.is_some() || dt.offset.is_some() {
                return Err(bad());
            }
            let date = dt.date.ok_or_else(bad)?;
            NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(bad)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn workdays_in_year(cal: &Calendar, year: i32) -> i64 {
        cal.workdays_after(d(year - 1, 12, 31), d(year, 12, 31))
    }

    #[test]
    fn shipped_file_parses() {
        let cal = Calendar::from_toml_str(OFFICIAL_TOML).expect("data/holidays.toml must parse");
        for y in 2016..=2026 {
            assert!(cal.covers(y), "no data for {y}");
        }
        assert_eq!(cal, Calendar::official());
    }

    #[test]
    fn official_is_cached_and_stable() {
        let a = Calendar::official();
        let b = Calendar::official();
        assert_eq!(a, b);
        assert!(!a.holidays.is_empty());
    }

    #[test]
    fn declared_workdays_are_weekend_days() {
        // 调休上班 always moves a Saturday or Sunday; a weekday in the list
        // would be a transcription error.
        let cal = Calendar::official();
        for w in &cal.workdays {
            assert!(
                !is_weekday(*w),
                "{w} is declared a working day but is a weekday"
            );
        }
        assert!(cal.holidays.is_disjoint(&cal.workdays));
    }

    #[test]
    fn covers_only_transcribed_years() {
        let cal = Calendar::official();
        assert!(cal.covers(2016));
        assert!(cal.covers(2020));
        assert!(cal.covers(2026));
        assert!(!cal.covers(2015));
        assert!(!cal.covers(2027));
        assert!(!Calendar::default().covers(2016));
    }

    #[test]
    fn working_days_per_year() {
        // Exact counts from the notices (weekdays − weekday holidays + 调休 weekends).
        let cal = Calendar::official();
        let expected = [
            (2016, 250),
            (2017, 249),
            (2018, 250),
            (2019, 250),
            (2020, 249), // 251 under the original notice; the epidemic extension took Jan 31 and the Feb 1 调休 Saturday
            (2021, 250),
            (2022, 249),
            (2023, 249),
            (2024, 251),
            (2025, 248),
            (2026, 248),
        ];
        for (year, n) in expected {
            let got = workdays_in_year(&cal, year);
            assert!((240..=252).contains(&got), "{year}: {got}");
            assert_eq!(got, n, "working days in {year}");
            // Same count by checking each day.
            let mut day = d(year, 1, 1);
            let mut slow = 0;
            while day.year() == year {
                if cal.is_workday(day) {
                    slow += 1;
                }
                day = day.succ_opt().unwrap();
            }
            assert_eq!(slow, n, "day-by-day count for {year}");
        }
    }

    #[test]
    fn spring_festival_2016() {
        let cal = Calendar::official();
        // 2月7日至13日放假调休；2月6日（星期六）、2月14日（星期日）上班。
        assert!(cal.is_workday(d(2016, 2, 5))); // Friday
        assert!(cal.is_workday(d(2016, 2, 6))); // Saturday, 调休上班
        for day in 7..=13 {
            assert!(!cal.is_workday(d(2016, 2, day)), "2016-02-{day}");
        }
        assert!(cal.is_workday(d(2016, 2, 14))); // Sunday, 调休上班
        assert!(cal.is_workday(d(2016, 2, 15))); // Monday
                                                 // Friday before → Monday after the holiday: Sat 6 and Sun 14 count, Mon 8–Fri 12 do not.
        assert_eq!(cal.workdays_after(d(2016, 2, 5), d(2016, 2, 15)), 3);
        // Published on the 调休 Saturday: Sun 14, Mon 15, Tue 16 are the next 3 working days.
        assert_eq!(cal.workdays_after(d(2016, 2, 6), d(2016, 2, 16)), 3);
        assert_eq!(cal.workdays_after(d(2016, 2, 6), d(2016, 2, 13)), 0);
    }

    #[test]
    fn spring_festival_2024() {
        let cal = Calendar::official();
        // 2月10日至17日放假调休，共8天；2月4日（星期日）、2月18日（星期日）上班。
        assert!(cal.is_workday(d(2024, 2, 4)));
        assert!(!cal.is_workday(d(2024, 2, 3))); // ordinary Saturday
        assert!(cal.is_workday(d(2024, 2, 9))); // Friday, 除夕 was not a holiday in 2024
        for day in 10..=17 {
            assert!(!cal.is_workday(d(2024, 2, day)), "2024-02-{day}");
        }
        assert!(cal.is_workday(d(2024, 2, 18)));
        // Published Fri Feb 9: next working day is Sun Feb 18 (the 调休 Sunday).
        assert_eq!(cal.workdays_after(d(2024, 2, 9), d(2024, 2, 18)), 1);
        assert_eq!(cal.workdays_after(d(2024, 2, 9), d(2024, 2, 17)), 0);
        assert_eq!(cal.workdays_after(d(2024, 2, 9), d(2024, 2, 20)), 3);
    }

    #[test]
    fn spring_festival_2025() {
        let cal = Calendar::official();
        // 1月28日（除夕、周二）至2月4日（周二）放假调休，共8天；1月26日（周日）、2月8日（周六）上班。
        assert!(cal.is_workday(d(2025, 1, 26)));
        assert!(cal.is_workday(d(2025, 1, 27)));
        for (m, day) in [
            (1, 28),
            (1, 29),
            (1, 30),
            (1, 31),
            (2, 1),
            (2, 2),
            (2, 3),
            (2, 4),
        ] {
            assert!(!cal.is_workday(d(2025, m, day)), "2025-{m}-{day}");
        }
        assert!(cal.is_workday(d(2025, 2, 5)));
        assert!(cal.is_workday(d(2025, 2, 8)));
        assert!(!cal.is_workday(d(2025, 2, 9)));
        // Fri Jan 24 → Wed Feb 5: Sun 26, Mon 27, Wed 5.
        assert_eq!(cal.workdays_after(d(2025, 1, 24), d(2025, 2, 5)), 3);
        // Mon Feb 3 (holiday) → Mon Feb 10: Wed 5, Thu 6, Fri 7, Sat 8, Mon 10.
        assert_eq!(cal.workdays_after(d(2025, 2, 3), d(2025, 2, 10)), 5);
    }

    #[test]
    fn national_day_2016() {
        let cal = Calendar::official();
        // 10月1日至7日放假调休；10月8日（星期六）、10月9日（星期日）上班。
        assert!(cal.is_workday(d(2016, 9, 30)));
        for day in 1..=7 {
            assert!(!cal.is_workday(d(2016, 10, day)), "2016-10-{day}");
        }
        assert!(cal.is_workday(d(2016, 10, 8)));
        assert!(cal.is_workday(d(2016, 10, 9)));
        // Published Fri Sep 30 → interpreted Sun Oct 9: Sat 8 and Sun 9.
        assert_eq!(cal.workdays_after(d(2016, 9, 30), d(2016, 10, 9)), 2);
        // 3-working-day rule: Sep 30 → Oct 10 (Mon) is the 3rd working day.
        assert_eq!(cal.workdays_after(d(2016, 9, 30), d(2016, 10, 10)), 3);
    }

    #[test]
    fn national_day_2023() {
        let cal = Calendar::official();
        // 中秋节、国庆节：9月29日至10月6日放假调休，共8天；10月7日（星期六）、10月8日（星期日）上班。
        assert!(cal.is_workday(d(2023, 9, 28)));
        assert!(!cal.is_workday(d(2023, 9, 29)));
        assert!(!cal.is_workday(d(2023, 9, 30)));
        for day in 1..=6 {
            assert!(!cal.is_workday(d(2023, 10, day)), "2023-10-{day}");
        }
        assert!(cal.is_workday(d(2023, 10, 7)));
        assert!(cal.is_workday(d(2023, 10, 8)));
        assert!(cal.is_workday(d(2023, 10, 9)));
        assert_eq!(cal.workdays_after(d(2023, 9, 28), d(2023, 10, 6)), 0);
        assert_eq!(cal.workdays_after(d(2023, 9, 28), d(2023, 10, 9)), 3);
    }

    #[test]
    fn extended_spring_festival_2020() {
        let cal = Calendar::official();
        // Extended to Feb 2 by the State Council; the Feb 1 调休 Saturday was cancelled.
        assert!(cal.is_workday(d(2020, 1, 19)));
        assert!(!cal.is_workday(d(2020, 1, 31)));
        assert!(!cal.is_workday(d(2020, 2, 1)));
        assert!(!cal.is_workday(d(2020, 2, 2)));
        assert!(cal.is_workday(d(2020, 2, 3)));
    }

    #[test]
    fn year_boundary_workday_2018_12_29() {
        // 2019 元旦: 2018-12-29 (Saturday) worked, Dec 30 – Jan 1 off.
        let cal = Calendar::official();
        assert!(cal.is_workday(d(2018, 12, 29)));
        assert!(!cal.is_workday(d(2018, 12, 31)));
        assert!(!cal.is_workday(d(2019, 1, 1)));
        assert_eq!(cal.workdays_after(d(2018, 12, 28), d(2019, 1, 2)), 2);
    }

    #[test]
    fn plain_weeks() {
        let cal = Calendar::official();
        // Friday → Monday is one working day.
        assert_eq!(cal.workdays_after(d(2016, 3, 4), d(2016, 3, 7)), 1);
        // Same day, reversed, and weekend-only spans.
        assert_eq!(cal.workdays_after(d(2016, 3, 7), d(2016, 3, 7)), 0);
        assert_eq!(cal.workdays_after(d(2016, 3, 8), d(2016, 3, 7)), 0);
        assert_eq!(cal.workdays_after(d(2016, 3, 4), d(2016, 3, 6)), 0);
        // Saturday → next Saturday: Mon–Fri.
        assert_eq!(cal.workdays_after(d(2016, 3, 5), d(2016, 3, 12)), 5);
        // Outside the data: plain Monday–Friday.
        assert_eq!(cal.workdays_after(d(2030, 1, 4), d(2030, 1, 7)), 1);
        assert!(cal.is_workday(d(2030, 1, 1))); // no data for 2030: Tuesday counts
    }

    #[test]
    fn weekday_holidays_are_skipped() {
        let cal = Calendar::official();
        // 2016 端午 Thu Jun 9 – Sat Jun 11, Sun Jun 12 worked.
        assert!(!cal.is_workday(d(2016, 6, 9)));
        assert!(!cal.is_workday(d(2016, 6, 10)));
        assert!(cal.is_workday(d(2016, 6, 12)));
        // Wed Jun 8 → Mon Jun 13: Sun 12, Mon 13.
        assert_eq!(cal.workdays_after(d(2016, 6, 8), d(2016, 6, 13)), 2);
        // 2023 清明 Wed Apr 5, one day, no 调休.
        assert!(!cal.is_workday(d(2023, 4, 5)));
        assert_eq!(cal.workdays_after(d(2023, 4, 4), d(2023, 4, 7)), 2);
    }

    #[test]
    fn with_extra_adds_local_adjustments() {
        let base = Calendar::official();
        // A site that kept offices closed to Feb 9 2020 (local extension), and
        // made Sunday Feb 16 2020 a working day.
        let extra_holidays: Vec<NaiveDate> = (3..=9).map(|day| d(2020, 2, day)).collect();
        let cal = base.clone().with_extra(&[d(2020, 2, 16)], &extra_holidays);
        for day in 3..=9 {
            assert!(!cal.is_workday(d(2020, 2, day)));
        }
        assert!(cal.is_workday(d(2020, 2, 10)));
        assert!(cal.is_workday(d(2020, 2, 16)));
        assert!(!base.is_workday(d(2020, 2, 16)));
        // Fri Jan 31 → Mon Feb 17: Mon 10 – Fri 14, Sun 16, Mon 17.
        assert_eq!(cal.workdays_after(d(2020, 1, 31), d(2020, 2, 17)), 7);
        assert_eq!(base.workdays_after(d(2020, 1, 31), d(2020, 2, 17)), 11);
        // Coverage is about official data only.
        assert!(cal.covers(2020));
        assert!(!cal.covers(2030));
    }

    #[test]
    fn with_extra_overrides_official_data() {
        // Turning an official holiday into a working day, and an official 调休
        // working day into a holiday.
        let cal = Calendar::official().with_extra(&[d(2016, 10, 7)], &[d(2016, 10, 8)]);
        assert!(cal.is_workday(d(2016, 10, 7)));
        assert!(!cal.is_workday(d(2016, 10, 8)));
        assert!(cal.is_workday(d(2016, 10, 9)));
        // Counting agrees with is_workday.
        assert_eq!(cal.workdays_after(d(2016, 9, 30), d(2016, 10, 9)), 2);
        // A date in both lists ends up a holiday.
        let both = Calendar::default().with_extra(&[d(2016, 3, 7)], &[d(2016, 3, 7)]);
        assert!(!both.is_workday(d(2016, 3, 7)));
        assert_eq!(both.workdays_after(d(2016, 3, 6), d(2016, 3, 7)), 0);
        // A weekday given as a working day stays a working day and is counted once.
        let weekday = Calendar::default().with_extra(&[d(2016, 3, 7)], &[]);
        assert_eq!(weekday.workdays_after(d(2016, 3, 6), d(2016, 3, 7)), 1);
    }

    #[test]
    fn counting_matches_day_by_day_everywhere() {
        let cal =
            Calendar::official().with_extra(&[d(2021, 3, 6), d(2021, 3, 8)], &[d(2021, 3, 9)]);
        let start = d(2015, 12, 1);
        for offset in (0..4200).step_by(37) {
            let from = start + chrono::Duration::days(offset);
            for len in [0i64, 1, 2, 3, 6, 7, 8, 13, 20, 45, 400] {
                let to = from + chrono::Duration::days(len);
                let mut slow = 0;
                let mut day = from;
                while day < to {
                    day = day.succ_opt().unwrap();
                    if cal.is_workday(day) {
                        slow += 1;
                    }
                }
                assert_eq!(cal.workdays_after(from, to), slow, "{from} → {to}");
            }
        }
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let cal = Calendar::official();
        let n = cal.workdays_after(NaiveDate::MIN, NaiveDate::MAX);
        assert!(n > 0);
        assert_eq!(cal.workdays_after(NaiveDate::MAX, NaiveDate::MIN), 0);
        let _ = cal.is_workday(NaiveDate::MIN);
        let _ = cal.is_workday(NaiveDate::MAX);
    }

    #[test]
    fn parser_rejects_bad_files() {
        assert!(Calendar::from_toml_str(
            "[2016]\nholidays = [2016-01-01]\nworkdays = [2016-01-01]\n"
        )
        .is_err());
        assert!(Calendar::from_toml_str("[year]\nholidays = []\n").is_err());
        assert!(Calendar::from_toml_str("[2016]\nholidays = [\"2016-01-01\"]\n").is_err());
        assert!(Calendar::from_toml_str("[2016]\nholidays = [2016-01-01T10:00:00]\n").is_err());
        assert!(Calendar::from_toml_str("[2016]\nholiday = [2016-01-01]\n").is_err());
        assert!(Calendar::from_toml_str("[2016]\nholidays = 2016-01-01\n").is_err());
        assert!(Calendar::from_toml_str("2016 = 1\n").is_err());
        assert!(Calendar::from_toml_str("not toml [").is_err());
        let ok = Calendar::from_toml_str("[2030]\nholidays = [2030-01-01]\n").unwrap();
        assert!(ok.covers(2030));
        assert!(!ok.is_workday(d(2030, 1, 1)));
        assert!(Calendar::from_toml_str("").unwrap().years.is_empty());
    }
}
