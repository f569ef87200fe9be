//! Shared pieces of the fuzz targets: the harness's secrets, the "never shown" check, and a
//! small reader that turns fuzzer bytes into structured choices.

/// Access key id the harnesses sign with.
pub const AKID: &str = "AKIAFUZZEXAMPLE00001";
/// Secret the harnesses sign with; it must never appear in any output, message or Debug text.
pub const SECRET: &str = "fuzzSECRETdoNotLeak/K7MDENG+bPxRfiCYEXAMPLE";
/// Session token the harnesses sign with; never shown either.
pub const SESSION: &str = "FwoGZXIvYXdzEFUZZsessionTOKENneverSHOWN0123456789abcdefghijklmnop";

thread_local! {
    static INPUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records the fuzzer's input: a secret the input itself contains (libFuzzer learns strings
/// from comparisons, including this check's) is echoed input, not a leak.
pub fn set_input(data: &[u8]) {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        i.clear();
        i.extend_from_slice(data);
    });
}

fn in_input(s: &str) -> bool {
    INPUT.with(|i| i.borrow().windows(s.len().min(12)).any(|w| w == &s.as_bytes()[..s.len().min(12)]))
}

/// Panics when `text` (an error message, Debug output, log line, redacted token …) contains
/// one of `secrets`. Short strings are skipped (they occur by chance), and so are secrets the
/// input itself contains (see [`set_input`]).
pub fn assert_not_shown(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        if s.len() >= 16 && text.contains(s) && !in_input(s) {
            panic!("{what} shows a secret ({} bytes): {text:?}", s.len());
        }
    }
}

/// The raw value of query parameter `name` as the parser reads it: the query is what follows
/// the first `/?`, split on `&` only (a value may hold a raw `?`, so a user name can contain
/// text such as `?X-Amz-Signature=…` that is not the signature).
pub fn param_of<'a>(token: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = token.split_once("/?")?;
    query.split('&').find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
}

/// The raw `X-Amz-Signature` value of a token (as the parser reads it), if it has one.
pub fn signature_of(token: &str) -> Option<&str> {
    param_of(token, "X-Amz-Signature")
}

/// Any `X-Amz-Signature=` value after a `?` or `&` anywhere in `text`: the wider net for
/// checking error messages about text the parser refused.
pub fn signature_anywhere(text: &str) -> Option<&str> {
    text.split(['?', '&']).find_map(|p| p.strip_prefix("X-Amz-Signature="))
}

/// Reads structured choices from the fuzzer's bytes; past the end it yields zeros.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }
    /// One byte.
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    /// Two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) | (u16::from(self.u8()) << 8)
    }
    /// Four bytes, little-endian.
    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | (u32::from(self.u16()) << 16)
    }
    /// Eight bytes, little-endian.
    pub fn i64(&mut self) -> i64 {
        (u64::from(self.u32()) | (u64::from(self.u32()) << 32)) as i64
    }
    /// A bool.
    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }
    /// An index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.u16()) % n
    }
    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// A length-prefixed chunk of at most `max` bytes.
    pub fn bytes(&mut self, max: usize) -> &'a [u8] {
        let n = (usize::from(self.u8()) % (max + 1)).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }
    /// A length-prefixed chunk as text (invalid UTF-8 replaced).
    pub fn text(&mut self, max: usize) -> String {
        String::from_utf8_lossy(self.bytes(max)).into_owned()
    }
    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

/// The meaning of a parsed token, what a server acts on, as one comparable text (the host name
/// in lower case: DNS names are case-insensitive).
pub fn meaning(p: &auroraiam::ParsedToken) -> String {
    format!(
        "{:?}|{}|{:?}|{:?}|{}|{}|{}|{}|{}|{}",
        p.kind(),
        p.hostname().to_ascii_lowercase(),
        p.port(),
        p.username(),
        p.access_key_id(),
        p.region(),
        p.service(),
        p.signing_time().unix_seconds(),
        p.expires_in(),
        p.has_session_token()
    )
}
