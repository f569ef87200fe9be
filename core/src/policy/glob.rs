//! IAM's wildcard matching: `*` matches any run of characters, `?` exactly one; in policies of
//! version `2012-10-17` `${*}`, `${?}` and `${$}` are the literal characters and any other
//! `${…}` is a policy variable (unknown here).

/// One element of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    Any,
    One,
}

/// A parsed pattern; `variable` is the first policy variable found (`${aws:username}`), which
/// offline evaluation cannot resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub toks: Vec<Tok>,
    pub variable: Option<String>,
}

impl Pattern {
    /// Parses `text`; with `variables` (policy version 2012-10-17) `${…}` is special.
    pub fn new(text: &str, variables: bool) -> Pattern {
        let mut toks = Vec::with_capacity(text.len());
        let mut variable = None;
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if variables && rest.starts_with("${") {
                if let Some(end) = rest.find('}') {
                    let inner = &rest[2..end];
                    match inner {
                        "*" => toks.push(Tok::Lit('*')),
                        "?" => toks.push(Tok::Lit('?')),
                        "$" => toks.push(Tok::Lit('$')),
                        _ => {
                            variable.get_or_insert_with(|| rest[..=end].to_string());
                            toks.push(Tok::Any);
                        }
                    }
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            toks.push(match c {
                '*' => Tok::Any,
                '?' => Tok::One,
                c => Tok::Lit(c),
            });
            rest = &rest[c.len_utf8()..];
        }
        Pattern { toks, variable }
    }

    /// True when the pattern has a wildcard (or a variable).
    pub fn is_wild(&self) -> bool {
        self.toks.iter().any(|t| !matches!(t, Tok::Lit(_)))
    }

    /// The literal text (wildcards shown as `*` / `?`).
    pub fn literal(&self) -> String {
        self.toks
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => *c,
                Tok::Any => '*',
                Tok::One => '?',
            })
            .collect()
    }

    /// Whether `text` matches (case-sensitive unless `fold` lower-cases both sides).
    pub fn matches(&self, text: &str, fold: bool) -> bool {
        let norm = |c: char| if fold { c.to_lowercase().next().unwrap_or(c) } else { c };
        let text: Vec<char> = text.chars().map(norm).collect();
        let toks: Vec<Tok> = self
            .toks
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => Tok::Lit(norm(*c)),
                t => *t,
            })
            .collect();
        // Iterative glob with one backtrack point: linear in practice, never exponential.
        let (mut p, mut t) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            match toks.get(p) {
                Some(Tok::Any) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(Tok::One) => {
                    p += 1;
                    t += 1;
                }
                Some(Tok::Lit(c)) if *c == text[t] => {
                    p += 1;
                    t += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        p = sp + 1;
                        t = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        toks[p..].iter().all(|t| *t == Tok::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_escapes_and_variables() {
        let m = |p: &str, t: &str| Pattern::new(p, true).matches(t, false);
        assert!(m("app_*", "app_user"));
        assert!(m("app_*", "app_"));
        assert!(!m("app_*", "ap"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("*", ""));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("App", "app"));
        assert!(Pattern::new("App", true).matches("app", true));
        assert!(m("a${*}b", "a*b"));
        assert!(!m("a${*}b", "axb"));
        assert!(m("${$}x${?}", "$x?"));
        assert!(!Pattern::new("a${*}", false).matches("a*", false));
        assert!(Pattern::new("a${*}", false).matches("a${*}", false));
        let v = Pattern::new("${aws:username}", true);
        assert_eq!(v.variable.as_deref(), Some("${aws:username}"));
        assert!(v.is_wild());
        assert!(!Pattern::new("a${*}", true).is_wild());
        assert!(!m(&"*a".repeat(30), &"a".repeat(29)));
    }
}
