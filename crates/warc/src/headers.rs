//! Named header fields as they appear in WARC and HTTP header blocks: order kept, names
//! compared without case, values trimmed.

/// An ordered list of `(name, value)` header fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    /// The first value of `name`, compared without case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn push(&mut self, name: &str, value: &str) {
        self.0
            .push((name.trim().to_string(), value.trim().to_string()));
    }

    /// Parses one `Name: value` line (without its line end) into the list; a line that starts
    /// with a space or tab continues the previous value. Returns false when the line is
    /// neither.
    pub(crate) fn parse_line(&mut self, line: &str) -> bool {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = self.0.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
                return true;
            }
            return false;
        }
        match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                self.push(name, value);
                true
            }
            _ => false,
        }
    }

    /// The parameter `param` (e.g. `charset`) of a header value such as
    /// `text/html; charset=UTF-8`, unquoted.
    pub fn param<'a>(value: &'a str, param: &str) -> Option<&'a str> {
        value.split(';').skip(1).find_map(|part| {
            let (k, v) = part.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case(param)
                .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_continuations() {
        let mut h = Headers::default();
        assert!(h.parse_line("Content-Type: text/html; charset=\"EUC-JP\""));
        assert!(h.parse_line("X-Long: a"));
        assert!(h.parse_line("\tb"));
        assert!(!h.parse_line("no colon here"));
        assert_eq!(h.get("content-type"), Some("text/html; charset=\"EUC-JP\""));
        assert_eq!(h.get("x-long"), Some("a b"));
        let ct = h.get("Content-Type").unwrap();
        assert_eq!(Headers::param(ct, "charset"), Some("EUC-JP"));
        assert_eq!(Headers::param("text/html", "charset"), None);
    }
}
