//! Reads the declaration file of an upload form (`multipart/form-data`): the one part a handler
//! needs, without a multipart library (the body is small and already read whole).

/// A file sent with a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The name the browser gave (without folders), if any.
    pub filename: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Why the body could not be read as a form with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// Not a `multipart/form-data` body.
    NotMultipart,
    /// The body does not follow the multipart format.
    Malformed,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, parameters) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameters.split(';').find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        let value = value.trim().trim_matches('"');
        (name.trim().eq_ignore_ascii_case("boundary") && !value.is_empty() && value.len() <= 200)
            .then(|| value.to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| at + from)
}

/// The parameters of a `Content-Disposition` line (`form-data; name="fichier"; filename="a;b.toml"`),
/// quoted values kept whole (a `;` inside quotes belongs to the value). Browsers write a `"` of a
/// file name as `%22` and never escape with backslashes (old ones send Windows paths with them).
fn parameters(line: &str) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for character in line.chars() {
        match character {
            '"' => quoted = !quoted,
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(character),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .skip(1)
        .filter_map(|part| {
            let (key, value) = part.split_once('=')?;
            Some((key.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect()
}

/// The value of parameter `name` in a `Content-Disposition` line.
fn parameter(line: &str, name: &str) -> Option<String> {
    parameters(line).into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

/// The part named `field` of a multipart body: `Ok(None)` when the form has no such part.
pub fn file_field(body: &[u8], content_type: &str, field: &str) -> Result<Option<UploadedFile>, UploadError> {
    let boundary = boundary(content_type).ok_or(UploadError::NotMultipart)?;
    let delimiter = format!("--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or(UploadError::Malformed)? + delimiter.len();
    let closing = format!("\r\n{delimiter}");
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(None);
        }
        let part_start = at + 2;
        let headers_end = find(body, b"\r\n\r\n", part_start).ok_or(UploadError::Malformed)?;
        let next = find(body, closing.as_bytes(), headers_end).ok_or(UploadError::Malformed)?;
        let headers = String::from_utf8_lossy(&body[part_start..headers_end]);
        let disposition = headers
            .split("\r\n")
            .find(|line| line.to_ascii_lowercase().starts_with("content-disposition:"))
            .unwrap_or_default();
        if parameter(disposition, "name").as_deref() == Some(field) {
            let filename = parameter(disposition, "filename")
                .map(|name| name.rsplit(['/', '\\']).next().unwrap_or_default().to_owned())
                .filter(|name| !name.is_empty());
            return Ok(Some(UploadedFile { filename, bytes: body[headers_end + 4..next].to_vec() }));
        }
        at = next + closing.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=----limite";

    fn body(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
        let mut out = String::new();
        for (name, filename, content) in parts {
            out.push_str("------limite\r\n");
            match filename {
                Some(filename) => out.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/toml\r\n\r\n"
                )),
                None => out.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
            }
            out.push_str(content);
            out.push_str("\r\n");
        }
        out.push_str("------limite--\r\n");
        out.into_bytes()
    }

    #[test]
    fn the_file_part_is_found_among_the_others() {
        let body = body(&[
            ("csrf", None, "jeton"),
            ("fichier", Some("C:\\docs\\formation.toml"), "[programme]\r\nid = \"x\"\r\n"),
        ]);
        let file = file_field(&body, TYPE, "fichier").expect("lisible").expect("présent");
        assert_eq!(file.filename.as_deref(), Some("formation.toml"));
        assert_eq!(file.bytes, b"[programme]\r\nid = \"x\"\r\n");
        assert_eq!(file_field(&body, TYPE, "autre"), Ok(None));
    }

    #[test]
    fn quoted_parameters_keep_their_semicolons() {
        let line = r#"Content-Disposition: form-data; name="fichier"; filename="a; b=%22c%22.toml""#;
        assert_eq!(parameter(line, "name").as_deref(), Some("fichier"));
        assert_eq!(parameter(line, "filename").as_deref(), Some("a; b=%22c%22.toml"));
    }

    #[test]
    fn broken_bodies_are_refused() {
        assert_eq!(file_field(b"x", "application/x-www-form-urlencoded", "fichier"), Err(UploadError::NotMultipart));
        assert_eq!(file_field(b"rien", TYPE, "fichier"), Err(UploadError::Malformed));
        assert_eq!(
            file_field(
                b"------limite\r\nContent-Disposition: form-data; name=\"fichier\"\r\n\r\nsans fin",
                TYPE,
                "fichier"
            ),
            Err(UploadError::Malformed)
        );
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
