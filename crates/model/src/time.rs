//! The contract's timestamp text, `yyyy-mm-dd hh:mm:ss +00:00`, as Unix seconds.

/// Formats Unix seconds as `yyyy-mm-dd hh:mm:ss +00:00`.
pub fn format_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} +00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses `yyyy-mm-dd hh:mm:ss +hh:mm` (any offset; `Z` and a missing offset mean UTC;
/// `T` may separate date and time). Returns Unix seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = &b[r];
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b' ' || b[10] == b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[1 + digits..];
    }
    let rest = std::str::from_utf8(rest).ok()?.trim();
    let offset = match rest {
        "" | "Z" | "UTC" => 0,
        _ => {
            let sb = rest.as_bytes();
            let sign = match sb.first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let body: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if body.len() != 4 || !body.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let oh: i64 = body[..2].parse().ok()?;
            let om: i64 = body[2..].parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_contract_format() {
        for secs in [0, 1, 951_782_400, 1_655_492_551, 4_102_444_799, -86_401] {
            assert_eq!(parse_time(&format_time(secs)), Some(secs), "{secs}");
        }
        assert_eq!(format_time(1_655_492_551), "2022-06-17 19:02:31 +00:00");
    }

    #[test]
    fn honours_offsets_and_rejects_garbage() {
        assert_eq!(
            parse_time("2022-06-17 21:02:31 +02:00"),
            parse_time("2022-06-17 19:02:31 +00:00")
        );
        assert_eq!(
            parse_time("2022-06-17T19:02:31Z"),
            parse_time("2022-06-17 19:02:31 +00:00")
        );
        for bad in [
            "",
            "2022-13-01 00:00:00 +00:00",
            "2022-02-30 00:00:00 +00:00",
            "yesterday",
            "2022-06-17 19:02:31 +0x:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
