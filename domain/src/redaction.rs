//! Cutting secrets out of text we did not write (a provider's error message, an upstream's
//! answer) before anyone sees it. A key can come back plain, upper-cased, in base64,
//! base64url, hex or percent-encoding, or broken into pieces; so every encoding of every
//! secret is searched for, in pieces of 8 characters, without regard to case.

use std::collections::HashSet;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// The shortest piece of a secret that counts as the secret.
const PIECE: usize = 8;
/// Secrets shorter than a piece are searched for whole, from this length.
const SHORTEST: usize = 6;
const MARK: &str = "[redacted]";

/// The pieces of every encoding of some secrets, to find them in text.
pub struct Redactor {
    /// Lower-cased pieces of `PIECE` characters.
    pieces: HashSet<String>,
    /// Secrets too short for pieces, searched for whole (lower-cased).
    whole: Vec<String>,
}

impl Redactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut pieces = HashSet::new();
        let mut whole = Vec::new();
        for secret in secrets.into_iter().map(str::trim).filter(|s| s.len() >= SHORTEST) {
            if secret.chars().count() < PIECE {
                whole.push(secret.to_lowercase());
                continue;
            }
            for form in encodings(secret) {
                let chars: Vec<char> = form.to_lowercase().chars().collect();
                pieces.extend(chars.windows(PIECE).map(|w| w.iter().collect::<String>()));
            }
        }
        Self { pieces, whole }
    }

    /// `text` with every run that holds a piece of a secret replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let lower: Vec<char> = chars
            .iter()
            .map(|c| c.to_lowercase().next().unwrap_or(*c))
            .collect();
        let mut hidden = vec![false; chars.len()];
        if !self.pieces.is_empty() {
            for (start, window) in lower.windows(PIECE).enumerate() {
                if self.pieces.contains(&window.iter().collect::<String>()) {
                    hidden[start..start + PIECE].iter_mut().for_each(|h| *h = true);
                }
            }
        }
        for secret in &self.whole {
            let secret: Vec<char> = secret.chars().collect();
            for (start, window) in lower.windows(secret.len()).enumerate() {
                if window == secret.as_slice() {
                    hidden[start..start + secret.len()]
                        .iter_mut()
                        .for_each(|h| *h = true);
                }
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut in_run = false;
        for (c, hide) in chars.iter().zip(&hidden) {
            match (hide, in_run) {
                (true, false) => out.push_str(MARK),
                (false, _) => out.push(*c),
                (true, true) => {}
            }
            in_run = *hide;
        }
        out
    }
}

/// `text` with `secrets` cut out, in every encoding (a one-off [`Redactor`]).
pub fn redact(text: &str, secrets: &[&str]) -> String {
    Redactor::new(secrets.iter().copied()).redact(text)
}

/// The forms a secret can take on the way back: as it is, base64 and base64url (also at
/// the two other alignments it has inside a longer encoded string), hex and percent-encoding.
fn encodings(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let mut forms = vec![secret.to_owned(), hex::encode(bytes), percent(secret)];
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(bytes));
        for shift in 1..3 {
            // Inside a longer string the secret starts 1 or 2 bytes into a 3-byte group:
            // its encoding then differs in the first and last group, which are dropped.
            let padded: Vec<u8> = std::iter::repeat_n(0, shift)
                .chain(bytes.iter().copied())
                .collect();
            let encoded = engine.encode(padded);
            let inner = encoded
                .get(4..encoded.len().saturating_sub(4))
                .unwrap_or_default();
            forms.push(inner.to_owned());
        }
    }
    forms.retain(|form| form.chars().count() >= PIECE);
    forms
}

/// Percent-encoding of everything but unreserved characters (RFC 3986).
pub fn percent(secret: &str) -> String {
    secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-live-Abc123+xyz/987==tail";

    #[test]
    fn every_encoding_of_the_key_is_cut_out() {
        let forms = [
            KEY.to_owned(),
            KEY.to_uppercase(),
            STANDARD.encode(KEY),
            URL_SAFE_NO_PAD.encode(KEY),
            hex::encode(KEY),
            hex::encode(KEY).to_uppercase(),
            percent(KEY),
            format!("{} {}", &KEY[..12], &KEY[12..]),
        ];
        for form in forms {
            let text = format!("the provider said: invalid key {form} (see docs)");
            let clean = redact(&text, &[KEY]);
            assert!(clean.contains(MARK), "{form}: {clean}");
            assert!(clean.starts_with("the provider said: invalid key "), "{clean}");
            assert!(clean.ends_with(" (see docs)"), "{clean}");
            for piece in form.as_bytes().chunks(8).filter(|p| p.len() == 8) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(!clean.contains(piece), "{piece} of {form} left in {clean}");
            }
        }
    }

    #[test]
    fn a_key_encoded_inside_a_longer_string_is_cut_out_at_any_alignment() {
        for prefix in ["Bearer:", "Bearer: ", "x"] {
            let blob = STANDARD.encode(format!("{prefix}{KEY}"));
            let clean = redact(&format!("echo {blob}"), &[KEY]);
            let key_part = &blob[12..blob.len() - 8];
            assert!(!clean.contains(key_part), "{prefix}: {clean}");
            assert!(clean.contains(MARK), "{prefix}: {clean}");
        }
    }

    #[test]
    fn fragments_of_eight_or_more_are_cut_and_ordinary_text_stays() {
        let clean = redact("key ends in ...123+xyz/987==tail, begins sk-live-Abc", &[KEY]);
        assert!(!clean.contains("xyz/987=="), "{clean}");
        assert_eq!(
            redact("nothing secret here at all", &[KEY]),
            "nothing secret here at all"
        );
        assert_eq!(
            redact("short sekret1 here", &["sekret1"]),
            "short [redacted] here"
        );
        assert_eq!(redact("ab is ok", &["ab"]), "ab is ok");
    }

    #[test]
    fn every_secret_field_counts() {
        let clean = redact(
            "a=first-secret-value b=second-secret-value",
            &["first-secret-value", "second-secret-value"],
        );
        assert_eq!(clean, "a=[redacted] b=[redacted]");
    }
}
