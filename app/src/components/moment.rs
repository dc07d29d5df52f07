//! A time as people read it in a list ("5 min ago", "in 2 h"), with the exact time on
//! hover and for assistive technology.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// `at` relative to now; the exact UTC time is its `title` and `datetime`. `None` shows
/// `missing` ("never").
#[component]
pub fn Moment(at: Option<DateTime<Utc>>, #[prop(optional)] missing: &'static str) -> impl IntoView {
    let Some(at) = at else {
        return view! { <span class="moment">{if missing.is_empty() { "never" } else { missing }}</span> }
            .into_any();
    };
    view! {
        <time class="moment" datetime=at.to_rfc3339() title=exact(at)>{relative(at, Utc::now())}</time>
    }
    .into_any()
}

/// The exact time, to the second, in UTC.
pub fn exact(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// How long before or after `now` `at` is, in the largest unit that fits; past a month,
/// the date.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    let (past, seconds) = (seconds >= 0, seconds.unsigned_abs());
    let amount = match seconds {
        0..45 => return "just now".to_owned(),
        45..3_600 => format!("{} min", seconds.div_ceil(60).max(1)),
        3_600..86_400 => format!("{} h", seconds / 3_600),
        86_400..2_592_000 => match seconds / 86_400 {
            1 => "1 day".to_owned(),
            days => format!("{days} days"),
        },
        _ => return at.format("%Y-%m-%d").to_string(),
    };
    if past {
        format!("{amount} ago")
    } else {
        format!("in {amount}")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn times_read_in_the_largest_unit_that_fits_either_way() {
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
        let cases = [
            (Duration::seconds(-10), "just now"),
            (Duration::seconds(30), "just now"),
            (Duration::seconds(-50), "1 min ago"),
            (Duration::minutes(-5), "5 min ago"),
            (Duration::minutes(-59), "59 min ago"),
            (Duration::minutes(-61), "1 h ago"),
            (Duration::hours(-23), "23 h ago"),
            (Duration::hours(-25), "1 day ago"),
            (Duration::days(-3), "3 days ago"),
            (Duration::minutes(10), "in 10 min"),
            (Duration::hours(2), "in 2 h"),
            (Duration::days(45), "2027-01-20"),
            (Duration::days(-40), "2026-10-27"),
        ];
        for (offset, says) in cases {
            assert_eq!(relative(now + offset, now), says, "{offset}");
        }
        assert_eq!(exact(now), "2026-12-06 12:00:00 UTC");
    }
}
