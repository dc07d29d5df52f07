//! Reading a provider's JSON answer: the model ids of a model list, or just "is it JSON".

/// Ids from `items_pointer` in a JSON body: each item's `id_field`, or the item itself
/// when it is a string; sorted, without duplicates.
///
/// # Errors
/// A sentence saying why the body is not a model list.
pub fn parse_model_ids(body: &[u8], items_pointer: &str, id_field: &str) -> Result<Vec<String>, String> {
    let json = parse(body)?;
    let items = json
        .pointer(items_pointer)
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| format!("the answer has no list at `{items_pointer}`"))?;
    let mut ids: Vec<String> = items
        .iter()
        .filter_map(|item| {
            item.get(id_field)
                .and_then(|v| v.as_str())
                .or_else(|| item.as_str())
        })
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty() && id.len() <= 200)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// # Errors
/// A sentence saying why the body is not JSON.
pub fn check_json(body: &[u8]) -> Result<(), String> {
    parse(body).map(|_| ())
}

fn parse(body: &[u8]) -> Result<serde_json::Value, String> {
    serde_json::from_slice(body).map_err(|_| {
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        match first {
            Some(b'<') => "the base URL answered with HTML, not JSON — is the path right?".to_owned(),
            None => "the provider answered with an empty body".to_owned(),
            Some(_) if std::str::from_utf8(body).is_err() => {
                "the answer is not text (invalid UTF-8)".to_owned()
            }
            Some(_) => "the provider's answer is not valid JSON".to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_the_pointer_sorted_and_unique() {
        let body = br#"{"data":[{"id":"b"},{"id":"a"},{"id":"a"},{"name":"no id"},"c"]}"#;
        assert_eq!(parse_model_ids(body, "/data", "id").unwrap(), ["a", "b", "c"]);
        assert!(parse_model_ids(br#"{"data":[]}"#, "/data", "id")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn unreadable_answers_are_explained() {
        let message = |body: &[u8]| parse_model_ids(body, "/data", "id").unwrap_err();
        assert!(message(b"  <html>login</html>").contains("HTML"));
        assert!(message(b"{not json").contains("not valid JSON"));
        assert!(message(b"\xff\xfe\x00garbage").contains("invalid UTF-8"));
        assert!(message(b"").contains("empty"));
        assert!(message(br#"{"models":[]}"#).contains("no list at `/data`"));
        assert!(check_json(b"{}").is_ok());
    }
}
