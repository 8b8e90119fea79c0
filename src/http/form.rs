//! `application/x-www-form-urlencoded` bodies (HTML forms): the items as
//! Wireshark's "HTML Form URL Encoded" layer lists them (`Form item: "key" =
//! "value"`), `+` read as a space and `%XX` decoded, as the WHATWG URL
//! standard's form parser does. Invalid `%` escapes are kept as written;
//! bytes that are not UTF-8 are replaced (the caller still sanitises).

/// Bound on the items read from one body.
pub const MAX_FORM_ITEMS: usize = 10_000;

/// Whether `content_type` names a URL-encoded form.
pub fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|c| super::media::essence(c) == "application/x-www-form-urlencoded")
}

fn decode(part: &[u8]) -> String {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = part
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The form's items, in order (at most [`MAX_FORM_ITEMS`]; the flag says
/// whether more were left out).
pub fn items(body: &[u8]) -> (Vec<(String, String)>, bool) {
    let mut out = Vec::new();
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        if out.len() >= MAX_FORM_ITEMS {
            return (out, true);
        }
        let (k, v) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &b""[..]),
        };
        out.push((decode(k), decode(v)));
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_decode_as_browsers_encode_them() {
        let (items, more) =
            items(b"name=Ada+Lovelace&email=ada%40example.test&flag&x=%zz%4&&e=%C3%A9");
        assert!(!more);
        assert_eq!(
            items,
            vec![
                ("name".into(), "Ada Lovelace".into()),
                ("email".into(), "ada@example.test".into()),
                ("flag".into(), String::new()),
                ("x".into(), "%zz%4".into()),
                ("e".into(), "é".into()),
            ]
        );
        assert!(is_form(Some(
            "application/x-www-form-urlencoded; charset=UTF-8"
        )));
        assert!(!is_form(Some("text/plain")));
    }
}
